package dev.agentmeter.client;

import static dev.agentmeter.client.TrackerTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The tracker against a real (in-JVM KRaft) broker, including broker outages and restarts. */
class UsageTrackerIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path spoolDir;

    private String newTopic() {
        String topic = kafka.uniqueTopic("usage-raw");
        kafka.createTopics(new NewTopic(topic, 3, (short) 1));
        return topic;
    }

    private UsageTracker.Builder tracker(String topic) {
        return UsageTracker.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(topic)
                .agent("triage")
                .spoolDirectory(spoolDir)
                .replayProbeInterval(Duration.ofMillis(300))
                .closeTimeout(Duration.ofSeconds(5))
                // Shorter than the defaults so an outage reaches the spool within seconds in tests.
                .kafka("request.timeout.ms", 2000)
                .kafka("delivery.timeout.ms", 4000)
                .kafka("max.block.ms", 1000);
    }

    private static UsageEvent event(int i) {
        return UsageEvent.builder()
                .model("gpt-4o")
                .usage(Usage.of(100 + i, 10))
                .userId("user-" + (i % 7))
                .build();
    }

    /** Reads the topic until {@code expected} distinct eventIds arrived (or 60 s passed), then 0.5 s more. */
    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        return TopicReader.await(
                kafka.bootstrapServers(),
                topic,
                records -> eventIds(records).size() >= expected,
                Duration.ofSeconds(60),
                Duration.ofMillis(500));
    }

    private static Set<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(
                r -> ids.add(ContractJson.fromBytes(r.value(), UsageEvent.class).eventId()));
        return ids;
    }

    @Test
    void eventsArriveKeyedByEventIdWithRedactedContent() {
        String topic = newTopic();
        String id;
        try (UsageTracker t = tracker(topic).team("support").build()) {
            id = t.track(UsageEvent.builder()
                    .model("claude-sonnet-4-5")
                    .sessionId("session-123")
                    .userId("alice")
                    .usage(new Usage(1000, 500, 200, 100, 0, 50, false))
                    .task(new Task("feature_implementation", "standard", "mail bob@example.com"))
                    .build());
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(t.metrics().sentCount()).isEqualTo(1);
        }
        List<ConsumerRecord<String, byte[]>> records = consume(topic, 1);
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> r = records.get(0);
        assertThat(r.key()).isEqualTo(id);
        UsageEvent e = ContractJson.fromBytes(r.value(), UsageEvent.class);
        assertThat(e.eventId()).isEqualTo(id);
        assertThat(e.agent()).isEqualTo("triage");
        assertThat(e.teamId()).isEqualTo("support");
        assertThat(e.userId()).isEqualTo("alice");
        assertThat(e.usage()).isEqualTo(new Usage(1000, 500, 200, 100, 0, 50, false));
        assertThat(e.task().description()).isEqualTo("mail [REDACTED_EMAIL]");
    }

    @Test
    void brokerStoppedMidStreamLosesNothing() {
        String topic = newTopic();
        Set<String> tracked = new HashSet<>();
        try (UsageTracker t = tracker(topic).build()) {
            for (int i = 0; i < 300; i++) {
                tracked.add(t.track(event(i)));
            }
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            kafka.stopBroker();
            for (int i = 300; i < 800; i++) {
                tracked.add(t.track(event(i)));
            }
            await("the tracker to spool", Duration.ofSeconds(30), t::isSpooling);
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            kafka.startBroker();
            await("the spool to be replayed", Duration.ofSeconds(60), () -> !t.isSpooling());
            for (int i = 800; i < 1000; i++) {
                tracked.add(t.track(event(i)));
            }
            assertThat(t.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(t.metrics().spooledCount()).isGreaterThan(0);
            assertThat(t.metrics().replayedCount()).isEqualTo(t.metrics().spooledCount());
            assertThat(t.metrics().droppedCount()).isZero();
        }
        assertThat(tracked).hasSize(1000);
        assertThat(eventIds(consume(topic, 1000))).isEqualTo(tracked);
    }

    @Test
    void eventsSpooledBeforeARestartAreReplayedByTheNextTracker() {
        String topic = newTopic();
        Set<String> tracked = new HashSet<>();
        kafka.stopBroker();
        try {
            try (UsageTracker t = tracker(topic).build()) {
                for (int i = 0; i < 100; i++) {
                    tracked.add(t.track(event(i)));
                }
            }
        } finally {
            kafka.startBroker();
        }
        try (UsageTracker next = tracker(topic).build()) {
            await("the spool to be replayed", Duration.ofSeconds(60), () -> !next.isSpooling());
            assertThat(next.metrics().replayedCount()).isEqualTo(100);
        }
        assertThat(eventIds(consume(topic, 100))).isEqualTo(tracked);
    }

    @Test
    void flushedEventsSurviveKillMinusNine(@TempDir Path scratch) throws Exception {
        String topic = newTopic();
        Path ids = scratch.resolve("ids.txt"); // outside the spool directory, which the child owns
        Path childSpool = spoolDir.resolve("child");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SpoolingChild.class.getName(),
                        childSpool.toString(),
                        TrackerTestSupport.deadBootstrap(),
                        "250",
                        ids.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                assertThat(line).doesNotContain("FLUSH-FAILED");
            }
            assertThat(line).isEqualTo("READY");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        Set<String> tracked = new HashSet<>(Files.readAllLines(ids));
        assertThat(tracked).hasSize(250);
        try (UsageTracker t = tracker(topic).spoolDirectory(childSpool).build()) {
            await("the dead process's spool to be replayed", Duration.ofSeconds(60), () -> !t.isSpooling());
        }
        assertThat(eventIds(consume(topic, 250))).isEqualTo(tracked);
    }
}
