package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The aggregator between two commits: when updated windows reach the spend store. (The topology
 * tests cannot show this: the test driver commits after every record.)
 */
class SpendProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Scope ALICE = Scope.of(ScopeType.USER, "alice");
    private static final String ALICE_DAY = SpendStores.key(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), ALICE);

    private final MockProcessorContext<String, BudgetOutput> context = new MockProcessorContext<>(
            ProcessorApp.streamsProperties(ProcessorConfig.of(Map.of()), 0)); // the app's Streams settings
    private final CommitFlush hook = CommitFlush.builder("hook").build();
    private final KeyValueStore<String, SpendAggregate> spend = store(SpendStores.DEFAULT.spend(),
            AggregateSerdes.spendAggregate());
    private final KeyValueStore<String, Budget> budgets = store(SpendStores.DEFAULT.budgets(), ContractSerdes.budget());
    private final KeyValueStore<String, Long> alerted = store(SpendStores.DEFAULT.alerted(), Serdes.Long());
    private SpendProcessor processor;

    private <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                serde).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    @BeforeEach
    void init() {
        context.setCurrentSystemTimeMs(T0.plus(Duration.ofDays(500)).toEpochMilli()); // tests that care set their own
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);
    }

    private static final Scope SESSION = Scope.of(ScopeType.SESSION, "s-1");
    /** The defaults: window.retention.hour/day/month/session = P2D/P40D/P400D/P2D. */
    private static final Map<Period, Duration> RETENTION = ProcessorConfig.of(Map.of()).windowRetention();

    private void start() {
        start(new BudgetBook(Map.of()));
    }

    private void start(BudgetBook budgetBook) {
        processor = new SpendProcessor(SpendStores.DEFAULT, "hook", Duration.ofSeconds(1), ZoneOffset.UTC,
                Duration.ofHours(1), Duration.ofMinutes(30), RETENTION, budgetBook,
                new ProcessorMetrics(new SimpleMeterRegistry()));
        processor.init(context);
    }

    private void spend(String lastEventId, String usd, Instant at) {
        spend(ALICE, lastEventId, usd, at);
    }

    private void spend(Scope scope, String lastEventId, String usd, Instant at) {
        SpendDelta d = new SpendDelta(lastEventId, at, at, new BigDecimal(usd), 1, 100, 10, 0, 0, 0, 0);
        context.setCurrentStreamTimeMs(at.toEpochMilli()); // as the task does before it hands over a record
        context.setCurrentSystemTimeMs(at.plusSeconds(1).toEpochMilli());
        processor.process(new Record<>(scope.toString(), List.of(ScopeInput.spend(scope, d)), at.toEpochMilli()));
    }

    private void expireAt(Instant streamTime) {
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.STREAM_TIME)
                .reduce((first, second) -> second).orElseThrow() // the processor started last
                .getPunctuator().punctuate(streamTime.toEpochMilli());
    }

    private String storedSession() {
        SpendAggregate s = spend.get(SpendStores.sessionKey(SESSION));
        return s == null ? "none" : s.spendUsd().toPlainString() + " from " + s.windowStart() + " to " + s.lastEventAt();
    }

    private List<String> alertMarks() {
        List<String> keys = new ArrayList<>();
        try (var it = alerted.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private String storedDay() {
        SpendAggregate day = spend.get(ALICE_DAY);
        return day == null ? "none" : day.spendUsd().toPlainString() + " in " + day.events() + " events";
    }

    @Test
    void updatedWindowsReachTheStoreOnCommitAddingUpInBetween() {
        start();
        spend("e1", "2.5", T0);
        spend("e2", "1.25", T0.plusSeconds(1));
        assertThat(storedDay()).isEqualTo("none");

        hook.flushCache(); // what Kafka Streams calls while it prepares a commit

        assertThat(storedDay()).isEqualTo("3.75 in 2 events");
        spend("e3", "1", T0.plusSeconds(2));
        assertThat(storedDay()).as("added to the stored window, not yet written").isEqualTo("3.75 in 2 events");
        hook.flushCache();
        assertThat(storedDay()).isEqualTo("4.75 in 3 events");
        assertThat(spend.approximateNumEntries()).as("HOUR, DAY, MONTH").isEqualTo(3);
    }

    @Test
    void aWindowNoLongerKeptInMemoryIsReadBackFromTheStore() {
        start();
        spend("e1", "2.5", T0);
        hook.flushCache();
        for (int i = 0; i < SpendProcessor.RECENT_WINDOWS / 3 + 1; i++) { // 3 windows each: alice's drop out
            Scope other = Scope.of(ScopeType.USER, "u" + i);
            SpendDelta d = new SpendDelta("x" + i, T0, T0, BigDecimal.ONE, 1, 1, 1, 0, 0, 0, 0);
            processor.process(new Record<>(other.toString(), List.of(ScopeInput.spend(other, d)), T0.toEpochMilli()));
        }
        hook.flushCache();

        spend("e2", "1.25", T0.plusSeconds(1));
        hook.flushCache();

        assertThat(storedDay()).isEqualTo("3.75 in 2 events");
    }

    @Test
    void hourWindowsExpireAfterTwoDaysPlusGraceAndDayWindowsStay() {
        start();
        spend("e1", "2.5", T0);
        String aliceHour = SpendStores.key(Period.HOUR, T0, ALICE);
        MockProcessorContext.CapturedPunctuator expiry = context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.STREAM_TIME).findFirst().orElseThrow();

        expiry.getPunctuator().punctuate(T0.plus(Duration.ofDays(2)).toEpochMilli()); // within 2 days + 1 h grace
        assertThat(spend.get(aliceHour).spendUsd().toPlainString()).as("written before expiry looks").isEqualTo("2.5");
        expiry.getPunctuator().punctuate(T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(2)).toEpochMilli());

        assertThat(spend.get(aliceHour)).isNull();
        assertThat(storedDay()).isEqualTo("2.5 in 1 events");
    }

    @Test
    void aSenderWhoseClockRunsAheadDoesNotMakeEveryoneElsesEventsLate() {
        start();
        context.setCurrentSystemTimeMs(T0.plusSeconds(60).toEpochMilli());
        context.setCurrentStreamTimeMs(T0.toEpochMilli()); // the records travel at the wall clock, not ahead
        Instant ahead = T0.plus(Duration.ofHours(5));
        SpendDelta fromTheFuture = new SpendDelta("ahead", ahead, ahead, new BigDecimal("4"), 1, 1, 1, 0, 0, 0, 0);
        processor.process(new Record<>("user:alice", List.of(ScopeInput.spend(ALICE, fromTheFuture)), T0.toEpochMilli()));
        SpendDelta now = new SpendDelta("now", T0, T0, new BigDecimal("2.5"), 1, 1, 1, 0, 0, 0, 0);
        processor.process(new Record<>("user:alice", List.of(ScopeInput.spend(ALICE, now)), T0.toEpochMilli()));

        hook.flushCache();

        assertThat(spend.get(SpendStores.key(Period.HOUR, T0, ALICE)).spendUsd().toPlainString()).isEqualTo("2.5");
        assertThat(spend.get(SpendStores.key(Period.HOUR, ahead, ALICE)).spendUsd().toPlainString()).isEqualTo("4");
        assertThat(storedDay()).isEqualTo("6.5 in 2 events");
    }

    @Test
    void oneExpiryRunDeletesAtMostItsCapTheNextRunTheRest() {
        start();
        List<ScopeInput> batch = new ArrayList<>();
        for (int i = 0; i < SpendProcessor.MAX_EXPIRED_PER_RUN + 10; i++) {
            Scope user = Scope.of(ScopeType.USER, "u" + i);
            batch.add(ScopeInput.spend(user, new SpendDelta("x" + i, T0, T0, BigDecimal.ONE, 1, 1, 1, 0, 0, 0, 0)));
        }
        context.setCurrentStreamTimeMs(T0.toEpochMilli());
        processor.process(new Record<>("user:u0", batch, T0.toEpochMilli()));
        Instant afterRetention = T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(2));

        expireAt(afterRetention);
        assertThat(windows(Period.HOUR)).isEqualTo(10);
        expireAt(afterRetention.plus(SpendProcessor.EXPIRY_INTERVAL));

        assertThat(windows(Period.HOUR)).isZero();
        assertThat(windows(Period.DAY)).isEqualTo(SpendProcessor.MAX_EXPIRED_PER_RUN + 10);
    }

    private int windows(Period period) {
        int n = 0;
        try (var it = spend.prefixScan(period + "|", new StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void aClosedSessionWindowExpiresAfterInactivityGraceAndRetention() {
        start();
        spend(SESSION, "e1", "2.5", T0);
        Instant lastKept = T0.plus(Duration.ofMinutes(30)).plus(Duration.ofHours(1)).plus(Duration.ofDays(2));

        expireAt(lastKept);
        assertThat(storedSession()).isEqualTo("2.5 from 2026-11-22T10:00:00Z to 2026-11-22T10:00:00Z");
        expireAt(lastKept.plusMillis(1));

        assertThat(storedSession()).isEqualTo("none");
        assertThat(spend.get(SpendStores.key(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), SESSION)))
                .as("the session's DAY window follows window.retention.day").extracting(a -> a.spendUsd().toPlainString())
                .isEqualTo("2.5");
    }

    @Test
    void aSessionKeepsItsAlertMarksWhileItsWindowIsOpenAndLosesThemOnceANewSessionReplacedIt() {
        start(new BudgetBook(Map.of(ScopeType.SESSION, Map.of(Period.SESSION, new BigDecimal("10")))));
        String firstMark = "SESSION|2026-11-22T10:00:00Z|session:s-1|0.5";
        spend(SESSION, "e1", "6", T0);
        Instant at = T0;
        for (int i = 2; i <= 3 * 24 * 3; i++) { // an event every 20 minutes for three days: one open session
            at = at.plus(Duration.ofMinutes(20));
            spend(SESSION, "e" + i, "0.001", at);
        }
        expireAt(at);
        assertThat(alertMarks()).containsExactly(firstMark);
        spend(SESSION, "e-more", "1", at.plusSeconds(1));
        assertThat(alerts()).extracting(BudgetAlert::alertId)
                .as("raised once, not again after an expiry run").containsExactly("session:s-1|SESSION|2026-11-22T10:00:00Z|0.5");

        Instant next = at.plus(Duration.ofHours(1)); // after a gap longer than session.inactivity
        spend(SESSION, "n1", "1", next);
        expireAt(next);

        assertThat(alertMarks()).isEmpty();
        assertThat(storedSession()).isEqualTo("1 from " + next + " to " + next);
    }

    @Test
    void theFlushIntervalWritesWithoutACommit() {
        start();
        spend("e1", "2.5", T0);

        MockProcessorContext.CapturedPunctuator flush = context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME).findFirst().orElseThrow();
        assertThat(flush.getInterval()).isEqualTo(Duration.ofSeconds(1));
        flush.getPunctuator().punctuate(T0.toEpochMilli());

        assertThat(storedDay()).isEqualTo("2.5 in 1 events");
    }

    @Test
    void theFlushIntervalSkipsAWriteWhenACommitWroteLessThanAnIntervalAgo() {
        start();
        MockProcessorContext.CapturedPunctuator flush = context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME).findFirst().orElseThrow();
        spend("e1", "2.5", T0);
        context.setCurrentSystemTimeMs(50_000);
        hook.flushCache();
        spend("e2", "1.25", T0.plusSeconds(1));

        flush.getPunctuator().punctuate(50_999);
        assertThat(storedDay()).as("the commit 999 ms ago wrote; the next commit writes e2").isEqualTo("2.5 in 1 events");
        flush.getPunctuator().punctuate(51_000);
        assertThat(storedDay()).as("no commit for a whole interval").isEqualTo("3.75 in 2 events");
    }

    @Test
    void aBudgetStoredBeforeTheTaskStartedAlertsFromMemory() {
        budgets.put(ALICE.toString(), new Budget(ALICE, Map.of(Period.DAY, new BigDecimal("10")), null));
        start();

        spend("e1", "6", T0);

        assertThat(alerts()).extracting(BudgetAlert::alertId)
                .containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5");
        BudgetAlert alert = alerts().get(0);
        assertThat(alert.spendUsd().toPlainString()).isEqualTo("6");
        assertThat(alert.limitUsd().toPlainString()).isEqualTo("10");
        assertThat(alert.triggeringEventId()).isEqualTo("e1");
    }

    @Test
    void aRevivedTaskStartsFromTheStoreAndForgetsWhatItHadNotWritten() {
        start();
        spend("e1", "2.5", T0);
        hook.flushCache();
        spend("e2", "7", T0.plusSeconds(1)); // never committed: the task failed and is initialised again

        start();
        spend("e3", "1", T0.plusSeconds(2));
        hook.flushCache();

        assertThat(storedDay()).isEqualTo("3.5 in 2 events");
    }

    /** The alerts forwarded so far (statuses go out on the flush, beside them). */
    private List<BudgetAlert> alerts() {
        return context.forwarded().stream().map(f -> f.record().value())
                .filter(v -> v instanceof BudgetOutput.Raised).map(v -> ((BudgetOutput.Raised) v).alert()).toList();
    }
}
