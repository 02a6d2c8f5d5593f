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
import java.util.List;
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

    private final MockProcessorContext<String, ScopeInput> context = new MockProcessorContext<>();
    private final CommitHook hook = CommitHook.builder("hook").build();
    private final DeltaCombiner combiner = new DeltaCombiner("hook", ZoneOffset.UTC, Duration.ofMillis(500),
            Duration.ofMinutes(30));

    @BeforeEach
    void init() {
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);
        combiner.init(context);
    }

    private void price(String eventId, String session, String usd, Instant at, boolean error) {
        UsageEvent e = UsageEvent.builder().eventId(eventId).timestamp(at).agent("triage").userId("alice")
                .teamId("support").sessionId(session).model("gpt-4o").usage(new Usage(1000, 200, 100, 0, 0, 50, false))
                .call(error ? new Call(null, null, 1200L, Call.STATUS_ERROR, "timeout", null) : null).build();
        BigDecimal cost = new BigDecimal(usd);
        PricedUsage priced = new PricedUsage(e, null, new Cost(cost, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                cost, cost), at);
        combiner.process(new Record<>(eventId, priced, at.toEpochMilli()));
    }

    private List<String> sent() {
        return context.forwarded().stream().map(f -> {
            ScopeInput in = f.record().value();
            SpendDelta d = in.delta();
            return f.record().key() + " " + d.costUsd().toPlainString() + " events=" + d.events() + " errors="
                    + d.errors() + " in=" + d.inputTokens() + " reasoning=" + d.reasoningTokens() + " last="
                    + d.lastEventId() + " " + d.firstAt() + ".." + d.lastAt() + " @" + f.record().timestamp();
        }).toList();
    }

    @Test
    void eventsBetweenTwoCommitsTravelAsOneDeltaPerScopeNamingTheLastEvent() {
        price("e1", "s1", "2.5", T0, false);
        price("e2", "s1", "2.5", T0.plusSeconds(1), true);
        price("e3", "s1", "4", T0.plusSeconds(2), false);
        assertThat(context.forwarded()).isEmpty();

        hook.flushCache(); // what Kafka Streams calls while it prepares a commit

        String rest = "9.0 events=3 errors=1 in=3000 reasoning=150 last=e3 2026-11-22T10:00:00Z..2026-11-22T10:00:02Z @"
                + T0.plusSeconds(2).toEpochMilli();
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
                + T0 + ".." + T0 + " @" + T0.toEpochMilli());
        context.resetForwards();
        hook.flushCache();
        assertThat(sent()).extracting(s -> s.substring(0, s.indexOf(" errors"))).containsExactly(
                "global:* 2.5 events=2", "agent:triage 2.5 events=2", "team:support 2.5 events=2",
                "user:alice 2.5 events=2", "session:s1 1 events=1");
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
    void aTaskInitialisedAgainStartsEmpty() {
        price("e1", "s1", "3", T0, false);

        combiner.init(context); // a revived task: what it held was never committed, the input is replayed
        hook.flushCache();

        assertThat(context.forwarded()).isEmpty();
    }
}
