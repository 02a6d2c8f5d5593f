package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The combiner in a real Kafka Streams task ({@link OneTask}): what the events of one commit
 * become, what it sends before the commit and in which batches.
 */
class DeltaCombinerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    /** The wall clock: a day after the events (a flush never sends a record timed after it). */
    private static final Instant WALL = T0.plus(Duration.ofDays(1));

    private static final String HOOK = "delta-commit-hook";

    private OneTask<PricedUsage, List<ScopeInput>> task;
    /** The events of the next commit. */
    private final List<Record<String, PricedUsage>> events = new ArrayList<>();

    @BeforeEach
    void init() {
        startWith(1, WALL);
    }

    @AfterEach
    void stop() {
        task.close();
    }

    /** A combiner for a by-scope topic of {@code partitions}: with one, every flush is one batch. */
    private void startWith(int partitions, Instant wallClock) {
        if (task != null) {
            task.close();
        }
        task = new OneTask<>(
                () -> new DeltaCombiner(
                        HOOK, partitions, ZoneOffset.UTC, Duration.ofMillis(500), Duration.ofMinutes(30)),
                wallClock,
                List.of(CommitFlush.builder(HOOK)),
                context -> {});
    }

    private void price(String eventId, String session, String usd, Instant at, boolean error) {
        price(eventId, "alice", session, usd, at, error);
    }

    private void price(String eventId, String user, String session, String usd, Instant at, boolean error) {
        UsageEvent e = UsageEvent.builder()
                .eventId(eventId)
                .timestamp(at)
                .agent("triage")
                .userId(user)
                .teamId("support")
                .sessionId(session)
                .model("gpt-4o")
                .usage(new Usage(1000, 200, 100, 0, 0, 50, false))
                .call(error ? new Call(null, null, 1200L, Call.STATUS_ERROR, "timeout", null) : null)
                .build();
        price(e, usd);
    }

    private void price(UsageEvent e, String usd) {
        BigDecimal cost = new BigDecimal(usd);
        PricedUsage priced = new PricedUsage(
                e, null, new Cost(cost, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, cost, cost), e.timestamp());
        events.add(new Record<>(e.eventId(), priced, e.timestamp().toEpochMilli()));
    }

    /** The events priced since the last commit, handed over one after the other, then a commit. */
    @SuppressWarnings("unchecked")
    private void commit() {
        Instant streamTime = events.stream()
                .map(r -> Instant.ofEpochMilli(r.timestamp()))
                .max(Instant::compareTo)
                .orElse(T0);
        task.commit(streamTime, events.toArray(Record[]::new));
        events.clear();
    }

    /** Every delta sent, in order, whatever batch it travelled in. */
    private List<String> sent() {
        return task.out.stream()
                .flatMap(r -> r.value().stream())
                .map(in -> {
                    SpendDelta d = ((ScopeInput.Spend) in).delta();
                    return in.scope() + " " + d.costUsd().toPlainString() + " events=" + d.events() + " errors="
                            + d.errors() + " in=" + d.inputTokens() + " reasoning=" + d.reasoningTokens() + " last="
                            + d.lastEventId() + " " + d.firstAt() + ".." + d.lastAt();
                })
                .toList();
    }

    @Test
    void eventsBetweenTwoCommitsTravelAsOneDeltaPerScopeNamingTheLastEvent() {
        price("e1", "s1", "2.5", T0, false);
        price("e2", "s1", "2.5", T0.plusSeconds(1), true);
        price("e3", "s1", "4", T0.plusSeconds(2), false);

        commit();

        String rest = "9.0 events=3 errors=1 in=3000 reasoning=150 last=e3 2026-11-22T10:00:00Z..2026-11-22T10:00:02Z";
        assertThat(task.out).hasSize(1);
        assertThat(task.out.get(0).key()).isEqualTo("global:*");
        assertThat(task.out.get(0).timestamp()).isEqualTo(T0.plusSeconds(2).toEpochMilli());
        assertThat(sent())
                .containsExactly(
                        "global:* " + rest,
                        "agent:triage " + rest,
                        "team:support " + rest,
                        "user:alice " + rest,
                        "session:s1 " + rest);
        commit(); // nothing new
        assertThat(task.out).hasSize(1);
    }

    @Test
    void eachClockHourIsItsOwnDeltaEarlierHoursFirst() {
        price("e1", "s1", "2", T0.plus(Duration.ofMinutes(61)), false);
        price("e2", "s1", "1", T0.plus(Duration.ofMinutes(59)), false);

        commit();

        assertThat(sent())
                .extracting(s -> s.substring(0, s.indexOf(" events")))
                .containsExactly(
                        "global:* 1",
                        "agent:triage 1",
                        "team:support 1",
                        "user:alice 1",
                        "session:s1 1",
                        "global:* 2",
                        "agent:triage 2",
                        "team:support 2",
                        "user:alice 2",
                        "session:s1 2");
    }

    @Test
    void aSessionGapSendsTheSessionsEarlierPartAtOnce() {
        price("e1", "s1", "1.5", T0, false);
        price("e2", "s1", "1", T0.plus(Duration.ofMinutes(40)), false);

        commit();

        assertThat(sent().get(0))
                .as("sent when e2 arrived, before the commit's batch")
                .isEqualTo("session:s1 1.5 events=1 errors=0 in=1000 reasoning=50 last=e1 " + T0 + ".." + T0);
        assertThat(sent())
                .extracting(s -> s.substring(0, s.indexOf(" errors")))
                .containsExactly(
                        "session:s1 1.5 events=1",
                        "global:* 2.5 events=2",
                        "agent:triage 2.5 events=2",
                        "team:support 2.5 events=2",
                        "user:alice 2.5 events=2",
                        "session:s1 1 events=1");
    }

    @Test
    void aSessionWhoseEventsChangeUserOrTeamAddsEachEventToItsOwnScopes() {
        price("e1", "alice", "s1", "1", T0, false);
        price("e2", "alice", "s1", "2", T0.plusSeconds(1), false); // the same scopes as e1
        price("e3", "bob", "s1", "4", T0.plusSeconds(2), false); // another user in the same session
        price("e4", "alice", "s1", "8", T0.plusSeconds(3), false);
        UsageEvent noTeam = UsageEvent.builder()
                .eventId("e5")
                .timestamp(T0.plusSeconds(4))
                .agent("triage")
                .userId("alice")
                .sessionId("s1")
                .model("gpt-4o")
                .usage(new Usage(1000, 200, 100, 0, 0, 50, false))
                .build();
        price(noTeam, "16");

        commit();

        assertThat(sent())
                .extracting(s -> s.substring(0, s.indexOf(" errors")))
                .containsExactly(
                        "global:* 31 events=5",
                        "agent:triage 31 events=5",
                        "team:support 15 events=4",
                        "user:alice 27 events=4",
                        "user:bob 4 events=1",
                        "session:s1 31 events=5");
    }

    @Test
    void aFlushSendsOneBatchPerOwningPartitionAtItsEarliestDelta() {
        startWith(3, WALL);
        price("e1", "alice", "s1", "1", T0.plusSeconds(5), false);
        price("e2", "bob", "s2", "2", T0, false);
        price("e3", "carol", "s3", "4", T0.plusSeconds(9), false);

        commit();

        List<Integer> partitions = new ArrayList<>();
        for (Record<String, List<ScopeInput>> batch : task.out) {
            int p = ScopePartitioner.of(batch.key(), 3);
            partitions.add(p);
            assertThat(batch.value())
                    .allSatisfy(in -> assertThat(ScopePartitioner.of(in.scope().toString(), 3))
                            .isEqualTo(p));
            assertThat(batch.timestamp())
                    .isEqualTo(batch.value().stream()
                            .mapToLong(in ->
                                    ((ScopeInput.Spend) in).delta().lastAt().toEpochMilli())
                            .min()
                            .orElseThrow());
        }
        assertThat(partitions).doesNotHaveDuplicates();
        assertThat(sent())
                .extracting(s -> s.substring(0, s.indexOf(" events")))
                .containsExactlyInAnyOrder(
                        "global:* 7",
                        "agent:triage 7",
                        "team:support 7",
                        "user:alice 1",
                        "user:bob 2",
                        "user:carol 4",
                        "session:s1 1",
                        "session:s2 2",
                        "session:s3 4");
    }

    @Test
    void aBatchHoldsAtMostMaxBatchDeltas() {
        for (int i = 0; i <= DeltaCombiner.MAX_BATCH; i++) {
            price("e" + i, "user-" + i, "s1", "1", T0, false);
        }

        commit();

        assertThat(task.out).extracting(batch -> batch.value().size()).containsExactly(DeltaCombiner.MAX_BATCH, 5);
        assertThat(sent()).hasSize(DeltaCombiner.MAX_BATCH + 5);
    }

    @Test
    void aDeltaFromAClockAheadTravelsAtTheWallClockNotInTheFuture() {
        startWith(1, T0);
        price("e1", "s1", "3", T0.plus(Duration.ofHours(5)), false);

        commit();

        assertThat(task.out).extracting(Record::timestamp).containsExactly(T0.toEpochMilli());
    }
}
