package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The combiner between two commits: what it holds, what it sends and when. (The topology tests
 * cannot show this: the test driver commits after every record.)
 */
class DeltaCombinerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    /** The wall clock: a day after the events (a flush never sends a record timed after it). */
    private static final long WALL = T0.plus(Duration.ofDays(1)).toEpochMilli();

    private final MockProcessorContext<String, List<ScopeInput>> context = new MockProcessorContext<>(
            ProcessorApp.streamsProperties(ProcessorConfig.of(Map.of()), 0)); // the app's Streams settings
    private final CommitFlush hook = CommitFlush.builder("hook").build();
    private DeltaCombiner combiner;

    @BeforeEach
    void init() {
        context.setCurrentSystemTimeMs(WALL); // the wall clock a commit's flush is timed by
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);
        startWith(1);
    }

    /** A combiner for a by-scope topic of {@code partitions}: with one, every flush is one batch. */
    private void startWith(int partitions) {
        combiner = new DeltaCombiner("hook", partitions, ZoneOffset.UTC, Duration.ofMillis(500), Duration.ofMinutes(30));
        combiner.init(context);
    }

    private void price(String eventId, String session, String usd, Instant at, boolean error) {
        price(eventId, "alice", session, usd, at, error);
    }

    private void price(String eventId, String user, String session, String usd, Instant at, boolean error) {
        UsageEvent e = UsageEvent.builder().eventId(eventId).timestamp(at).agent("triage").userId(user)
                .teamId("support").sessionId(session).model("gpt-4o").usage(new Usage(1000, 200, 100, 0, 0, 50, false))
                .call(error ? new Call(null, null, 1200L, Call.STATUS_ERROR, "timeout", null) : null).build();
        BigDecimal cost = new BigDecimal(usd);
        PricedUsage priced = new PricedUsage(e, null, new Cost(cost, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                cost, cost), at);
        combiner.process(new Record<>(eventId, priced, at.toEpochMilli()));
    }

    /** Every delta sent, in order, whatever batch it travelled in. */
    private List<String> sent() {
        return context.forwarded().stream().flatMap(f -> f.record().value().stream()).map(in -> {
            SpendDelta d = ((ScopeInput.Spend) in).delta();
            return in.scope() + " " + d.costUsd().toPlainString() + " events=" + d.events() + " errors="
                    + d.errors() + " in=" + d.inputTokens() + " reasoning=" + d.reasoningTokens() + " last="
                    + d.lastEventId() + " " + d.firstAt() + ".." + d.lastAt();
        }).toList();
    }

    @Test
    void eventsBetweenTwoCommitsTravelAsOneDeltaPerScopeNamingTheLastEvent() {
        price("e1", "s1", "2.5", T0, false);
        price("e2", "s1", "2.5", T0.plusSeconds(1), true);
        price("e3", "s1", "4", T0.plusSeconds(2), false);
        assertThat(context.forwarded()).isEmpty();

        hook.flushCache(); // what Kafka Streams calls while it prepares a commit

        String rest = "9.0 events=3 errors=1 in=3000 reasoning=150 last=e3 2026-11-22T10:00:00Z..2026-11-22T10:00:02Z";
        assertThat(context.forwarded()).hasSize(1);
        assertThat(context.forwarded().get(0).record().key()).isEqualTo("global:*");
        assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(T0.plusSeconds(2).toEpochMilli());
        assertThat(sent()).containsExactly("global:* " + rest, "agent:triage " + rest, "team:support " + rest,
                "user:alice " + rest, "session:s1 " + rest);
        context.resetForwards();
        hook.flushCache();
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void eachClockHourIsItsOwnDeltaEarlierHoursFirst() {
        price("e1", "s1", "2", T0.plus(Duration.ofMinutes(61)), false);
        price("e2", "s1", "1", T0.plus(Duration.ofMinutes(59)), false);

        hook.flushCache();

        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" events"))).containsExactly(
                "global:* 1", "agent:triage 1", "team:support 1", "user:alice 1", "session:s1 1",
                "global:* 2", "agent:triage 2", "team:support 2", "user:alice 2", "session:s1 2");
    }

    @Test
    void aSessionGapSendsTheSessionsEarlierPartAtOnce() {
        price("e1", "s1", "1.5", T0, false);
        price("e2", "s1", "1", T0.plus(Duration.ofMinutes(40)), false);

        assertThat(sent()).containsExactly("session:s1 1.5 events=1 errors=0 in=1000 reasoning=50 last=e1 "
                + T0 + ".." + T0);
        context.resetForwards();
        hook.flushCache();
        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" errors"))).containsExactly(
                "global:* 2.5 events=2", "agent:triage 2.5 events=2", "team:support 2.5 events=2",
                "user:alice 2.5 events=2", "session:s1 1 events=1");
    }

    @Test
    void aSessionWhoseEventsChangeUserOrTeamAddsEachEventToItsOwnScopes() {
        price("e1", "alice", "s1", "1", T0, false);
        price("e2", "alice", "s1", "2", T0.plusSeconds(1), false); // the same scopes as e1
        price("e3", "bob", "s1", "4", T0.plusSeconds(2), false);   // another user in the same session
        price("e4", "alice", "s1", "8", T0.plusSeconds(3), false);
        UsageEvent noTeam = UsageEvent.builder().eventId("e5").timestamp(T0.plusSeconds(4)).agent("triage")
                .userId("alice").sessionId("s1").model("gpt-4o").usage(new Usage(1000, 200, 100, 0, 0, 50, false)).build();
        BigDecimal sixteen = new BigDecimal("16");
        combiner.process(new Record<>("e5", new PricedUsage(noTeam, null, new Cost(sixteen, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, sixteen, sixteen), noTeam.timestamp()), T0.plusSeconds(4).toEpochMilli()));

        hook.flushCache();

        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" errors"))).containsExactly(
                "global:* 31 events=5", "agent:triage 31 events=5", "team:support 15 events=4",
                "user:alice 27 events=4", "user:bob 4 events=1", "session:s1 31 events=5");
    }

    @Test
    void aFlushSendsOneBatchPerOwningPartitionAtItsEarliestDelta() {
        startWith(3);
        price("e1", "alice", "s1", "1", T0.plusSeconds(5), false);
        price("e2", "bob", "s2", "2", T0, false);
        price("e3", "carol", "s3", "4", T0.plusSeconds(9), false);

        hook.flushCache();

        List<Integer> partitions = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<? extends String, ? extends List<ScopeInput>> f : context.forwarded()) {
            int p = ScopePartitioner.of(f.record().key(), 3);
            partitions.add(p);
            assertThat(f.record().value()).allSatisfy(in -> assertThat(ScopePartitioner.of(in.scope().toString(), 3))
                    .isEqualTo(p));
            assertThat(f.record().timestamp()).isEqualTo(f.record().value().stream()
                    .mapToLong(in -> ((ScopeInput.Spend) in).delta().lastAt().toEpochMilli()).min().orElseThrow());
        }
        assertThat(partitions).doesNotHaveDuplicates();
        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" events"))).containsExactlyInAnyOrder(
                "global:* 7", "agent:triage 7", "team:support 7", "user:alice 1", "user:bob 2", "user:carol 4",
                "session:s1 1", "session:s2 2", "session:s3 4");
    }

    @Test
    void aBatchHoldsAtMostMaxBatchDeltas() {
        for (int i = 0; i <= DeltaCombiner.MAX_BATCH; i++) {
            price("e" + i, "user-" + i, "s1", "1", T0, false);
        }

        hook.flushCache();

        assertThat(context.forwarded()).extracting(f -> f.record().value().size())
                .containsExactly(DeltaCombiner.MAX_BATCH, 5);
        assertThat(sent()).hasSize(DeltaCombiner.MAX_BATCH + 5);
    }

    @Test
    void theFlushIntervalPunctuationSendsToo() {
        price("e1", "s2", "3", T0, false);
        MockProcessorContext.CapturedPunctuator flush = context.scheduledPunctuators().get(0);
        assertThat(flush.getInterval()).isEqualTo(Duration.ofMillis(500));

        flush.getPunctuator().punctuate(T0.toEpochMilli());

        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" events"))).containsExactly(
                "global:* 3", "agent:triage 3", "team:support 3", "user:alice 3", "session:s2 3");
    }

    @Test
    void theFlushIntervalSkipsASendWhenACommitSentLessThanAnIntervalAgo() {
        MockProcessorContext.CapturedPunctuator flush = context.scheduledPunctuators().get(0);
        price("e1", "s1", "3", T0, false);
        context.setCurrentSystemTimeMs(WALL + 80_000);
        hook.flushCache();
        context.resetForwards();
        price("e2", "s1", "4", T0.plusSeconds(1), false);

        flush.getPunctuator().punctuate(WALL + 80_499);
        assertThat(context.forwarded()).as("the commit 499 ms ago sent; the next commit sends e2").isEmpty();
        flush.getPunctuator().punctuate(WALL + 80_500);
        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" events"))).containsExactly(
                "global:* 4", "agent:triage 4", "team:support 4", "user:alice 4", "session:s1 4");
    }

    @Test
    void aDeltaFromAClockAheadTravelsAtTheWallClockNotInTheFuture() {
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        price("e1", "s1", "3", T0.plus(Duration.ofHours(5)), false);

        hook.flushCache();

        assertThat(context.forwarded()).extracting(f -> f.record().timestamp()).containsExactly(T0.toEpochMilli());
    }

    @Test
    void aTaskInitialisedAgainStartsEmpty() {
        price("e1", "s1", "3", T0, false);

        combiner.init(context); // a revived task: what it held was never committed, the input is replayed
        hook.flushCache();

        assertThat(context.forwarded()).isEmpty();
    }
}
