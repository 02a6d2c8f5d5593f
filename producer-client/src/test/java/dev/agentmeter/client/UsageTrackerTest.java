package dev.agentmeter.client;

import static dev.agentmeter.client.TrackerTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.client.spool.Spool;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracker behaviour that needs no broker: Kafka is unreachable (nothing listens on the port). */
class UsageTrackerTest {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    /** eventIds: version 7, the creation millisecond first. */
    private static final Pattern UUID7 =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    @TempDir
    Path tmp;
    /** Inside {@link #tmp}, so the sibling a second tracker falls back to is removed with it. */
    private Path spoolDir;

    @BeforeEach
    void spoolInTmp() {
        spoolDir = tmp.resolve("spool");
    }

    private final TrackerTestSupport.CollectingHandler handler = new TrackerTestSupport.CollectingHandler();

    private UsageTracker tracker() {
        return UsageTracker.builder()
                .bootstrapServers(TrackerTestSupport.deadBootstrap())
                .agent("triage")
                .team("support")
                .spoolDirectory(spoolDir)
                .errorHandler(handler)
                .replayProbeInterval(Duration.ofMinutes(10))
                .closeTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static UsageEvent llm() {
        return UsageEvent.builder().model("gpt-4o").usage(Usage.of(100, 20)).build();
    }

    private List<UsageEvent> spooledEvents() throws Exception {
        try (Spool spool = new Spool(spoolDir, 1 << 30)) {
            return spool.oldest() == null
                    ? List.of()
                    : spool.oldest().pendingLines().stream()
                            .map(b -> ContractJson.fromJson(new String(b, StandardCharsets.UTF_8), UsageEvent.class))
                            .toList();
        }
    }

    @Test
    void trackReturnsAGeneratedEventIdAndFillsDefaults() throws Exception {
        String id;
        try (UsageTracker t = tracker()) {
            id = t.track(llm());
        }
        assertThat(id).matches(UUID7);
        List<UsageEvent> spooled = spooledEvents();
        assertThat(spooled).hasSize(1);
        UsageEvent e = spooled.get(0);
        assertThat(e.eventId()).isEqualTo(id);
        assertThat(e.agent()).isEqualTo("triage");
        assertThat(e.teamId()).isEqualTo("support");
        assertThat(e.sessionId()).matches(UUID);
        assertThat(e.schemaVersion()).isEqualTo(1);
        assertThat(e.timestamp()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void eventsOfOneTrackerShareAGeneratedSessionButKeepTheirOwn() throws Exception {
        String a;
        String b;
        String own;
        try (UsageTracker t = tracker()) {
            a = t.track(llm());
            b = t.track(llm());
            own = t.track(llm().toBuilder().sessionId("s-own").build());
        }
        Map<String, String> sessionById =
                spooledEvents().stream().collect(Collectors.toMap(UsageEvent::eventId, UsageEvent::sessionId));
        assertThat(sessionById.get(a)).matches(UUID).isEqualTo(sessionById.get(b));
        assertThat(sessionById.get(own)).isEqualTo("s-own");
    }

    @Test
    void invalidEventGoesToTheHandlerAndCounterNotToKafka() throws Exception {
        try (UsageTracker t = tracker()) {
            String id = t.track(UsageEvent.builder()
                    .model("gpt-4o")
                    .usage(new Usage(10, 5, 20, 0, 0, 0, false))
                    .build());
            assertThat(id).matches(UUID7);
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(t.metrics().invalidCount()).isEqualTo(1);
        }
        assertThat(handler.errors).hasSize(1);
        TrackingError error = handler.errors.get(0);
        assertThat(error.type()).isEqualTo(TrackingError.Type.INVALID);
        assertThat(error.reason())
                .isEqualTo("usage.cacheReadTokens (20) exceeds usage.inputTokens (10); "
                        + "inputTokens must include cache reads and writes");
        assertThat(spooledEvents()).isEmpty();
    }

    @Test
    void nullEventAndEventsAfterCloseAreCountedAsDroppedNotThrown() {
        UsageTracker t = tracker();
        assertThat(t.track(null)).isNull();
        t.close();
        assertThat(t.track(llm())).isNull();
        assertThat(t.metrics().droppedCount()).isEqualTo(2);
        assertThat(t.metrics().trackedCount()).isEqualTo(2);
    }

    @Test
    void freeTextIsRedactedBeforeItLeavesTheProcess() throws Exception {
        try (UsageTracker t = tracker()) {
            t.track(llm().toBuilder()
                    .task(new Task("debug", null, "read /home/alice/.env with password=hunter22"))
                    .call(new Call("generate", null, 10L, "error", "401 for sk-ant-api03-AAAAAAAAAAAAAAAAAAAA", null))
                    .attributes(Map.of("customer", "bob@example.com", "tier", "pro"))
                    .build());
        }
        UsageEvent e = spooledEvents().get(0);
        assertThat(e.task().description()).isEqualTo("read /home/[USER]/.env with password=[REDACTED]");
        assertThat(e.call().errorMessage()).isEqualTo("401 for [REDACTED_API_KEY]");
        assertThat(e.attributes()).containsEntry("customer", "[REDACTED_EMAIL]").containsEntry("tier", "pro");
    }

    @Test
    void aLongDescriptionIsCutAndSentNeverDropped() throws Exception {
        String description = "step ".repeat(3000); // 15,000 characters
        try (UsageTracker t = tracker()) {
            t.track(llm().toBuilder().task(new Task("debug", null, description)).build());
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(t.metrics().truncatedCount()).isEqualTo(1);
            assertThat(t.metrics().invalidCount()).isZero();
        }
        UsageEvent e = spooledEvents().get(0);
        assertThat(e.task().description()).isEqualTo(description.substring(0, 4000));
        assertThat(e.truncated()).isTrue();
        assertThat(handler.errors).isEmpty();
    }

    @Test
    void aSecretAcrossTheCutIsRedactedWhole() throws Exception {
        String message = "x".repeat(3990) + " sk-ant-api03-AAAAAAAAAAAAAAAAAAAA and more";
        try (UsageTracker t = tracker()) {
            t.track(llm().toBuilder()
                    .call(new Call("generate", null, 1L, "error", message, null))
                    .build());
        }
        String sent = spooledEvents().get(0).call().errorMessage();
        assertThat(sent).hasSize(4000).doesNotContain("sk-ant").endsWith(" [REDACTED");
    }

    @Test
    void threeHundredAttributesAreCutToSixtyFour() throws Exception {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            attributes.put(String.format("k%03d", i), "v");
        }
        try (UsageTracker t = tracker()) {
            t.track(llm().toBuilder().attributes(attributes).build());
        }
        assertThat(spooledEvents().get(0).attributes())
                .hasSize(64)
                .containsKey("k063")
                .doesNotContainKey("k064");
    }

    @Test
    void missingTokenCountsAreEstimatedFromPromptLength() throws Exception {
        try (UsageTracker t = tracker()) {
            t.track(UsageEvent.builder()
                    .model("gpt-4o")
                    .call(new Call("generate", null, null, "success", null, 1000L))
                    .build());
        }
        assertThat(spooledEvents().get(0).usage()).isEqualTo(new Usage(250, 75, 0, 0, 0, 0, true));
    }

    @Test
    void apiCallsAreTrackedAsKindApi() throws Exception {
        try (UsageTracker t = tracker()) {
            t.trackApi("serpapi", "/search", 503, new BigDecimal("0.005"), 120L);
        }
        UsageEvent e = spooledEvents().get(0);
        assertThat(e.kind()).isEqualTo("api");
        assertThat(e.api().costUsd()).isEqualTo(new BigDecimal("0.005"));
        assertThat(e.call().status()).isEqualTo("error");
        assertThat(e.model()).isNull();
    }

    @Test
    void unreachableKafkaSpoolsEveryEvent() throws Exception {
        List<String> ids = new ArrayList<>();
        try (UsageTracker t = tracker()) {
            for (int i = 0; i < 50; i++) {
                ids.add(t.track(llm()));
            }
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            await("spooling", Duration.ofSeconds(10), t::isSpooling);
            assertThat(t.metrics().spooledCount()).isEqualTo(50);
            assertThat(t.metrics().sentCount()).isZero();
        }
        // Events in flight when Kafka turned out unreachable join the spool when the producer gives
        // them up, so only the set is fixed at the outage boundary.
        assertThat(spooledEvents()).extracting(UsageEvent::eventId).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void badSettingsFailAtBuildNamingTheSetting() {
        assertThatThrownBy(() -> UsageTracker.builder().bootstrapServers(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("UsageTracker setting 'bootstrapServers' must not be empty");
        assertThatThrownBy(() -> UsageTracker.builder().spoolMaxBytes(10).build())
                .hasMessage("UsageTracker setting 'spoolMaxBytes' must be at least 1 MiB, was 10");
        assertThatThrownBy(
                        () -> UsageTracker.builder().closeTimeout(Duration.ZERO).build())
                .hasMessage("UsageTracker setting 'closeTimeout' must be a positive duration, was PT0S");
    }

    @Test
    void aSecondTrackerOnTheSameSpoolDirectoryUsesItsOwn() {
        try (UsageTracker first = tracker();
                UsageTracker second = tracker()) {
            first.track(llm());
            second.track(llm());
            assertThat(first.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(second.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(first.metrics().spooledCount() + second.metrics().spooledCount())
                    .isEqualTo(2);
        }
        assertThat(spoolDir.resolveSibling(
                        spoolDir.getFileName() + "-" + ProcessHandle.current().pid() + "-1"))
                .isDirectory();
    }

    @Test
    void aPoisonEventIsReportedAloneAndTheEventsAfterItAreSpooled() throws Exception {
        Durability poison;
        Durability after;
        try (UsageTracker t = tracker()) {
            poison = t.trackDurably(llm().toBuilder()
                            .providerCostUsd(new BigDecimal("1e10000"))
                            .build())
                    .get(30, TimeUnit.SECONDS);
            after = t.trackDurably(llm()).get(30, TimeUnit.SECONDS);
            assertThat(t.health(Duration.ofSeconds(10)).up()).isTrue();
        }
        assertThat(poison.outcome()).isEqualTo(Durability.Outcome.INVALID);
        assertThat(poison.reason()).isEqualTo("providerCostUsd is 1E+10000; at most 1000000 is accepted");
        assertThat(after.outcome())
                .as("Kafka is unreachable: fsynced in the spool")
                .isEqualTo(Durability.Outcome.SPOOLED);
        assertThat(spooledEvents()).extracting(UsageEvent::eventId).containsExactly(after.eventId());
    }

    @Test
    void flushSaysFalseWhenTheSpoolWasFullAndEventsWereLost() {
        try (UsageTracker t = UsageTracker.builder()
                .bootstrapServers(TrackerTestSupport.deadBootstrap())
                .spoolDirectory(spoolDir)
                .spoolMaxBytes(1024 * 1024)
                .errorHandler(handler)
                .replayProbeInterval(Duration.ofMinutes(10))
                .closeTimeout(Duration.ofSeconds(2))
                .build()) {
            for (int i = 0; i < 10_000; i++) {
                t.track(llm());
            }

            assertThat(t.flush(Duration.ofSeconds(60))).isFalse();
            assertThat(t.metrics().droppedCount()).isPositive();
            assertThat(t.flush(Duration.ofSeconds(60)))
                    .as("nothing lost since the last flush")
                    .isTrue();
        }
    }

    @Test
    void aSenderThreadEndedByAnErrorMakesHealthDownWithTheReason() {
        try (UsageTracker t = UsageTracker.builder()
                .bootstrapServers(TrackerTestSupport.deadBootstrap())
                .spoolDirectory(spoolDir)
                .replayProbeInterval(Duration.ofMinutes(10))
                .closeTimeout(Duration.ofSeconds(2))
                .errorHandler(error -> {
                    throw new AssertionError("handler bug");
                })
                .build()) {
            t.track(UsageEvent.builder().model("gpt-4o").build()); // invalid: no usage, so the handler is called

            await(
                    "health down",
                    Duration.ofSeconds(30),
                    () -> !t.health(Duration.ofSeconds(10)).up());
            assertThat(t.health(Duration.ofSeconds(10)).reason())
                    .isEqualTo("the sender thread ended: java.lang.AssertionError: handler bug");
        }
    }
}
