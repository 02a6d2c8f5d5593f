package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
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
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The aggregator in a real Kafka Streams task ({@link OneTask}): windows written on commit, read
 * back from the store, expired in bounded runs; alerts from a budget the store held at start.
 */
class SpendProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Scope ALICE = Scope.of(ScopeType.USER, "alice");
    private static final Scope SESSION = Scope.of(ScopeType.SESSION, "s-1");
    private static final String ALICE_DAY = SpendStores.key(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), ALICE);
    /** The defaults: window.retention.hour/day/month/session = P2D/P40D/P400D/P2D. */
    private static final Map<Period, Duration> RETENTION =
            ProcessorConfig.of(Map.of()).windowRetention();

    private static final String HOOK = "spend-commit-hook";

    private OneTask<List<ScopeInput>, BudgetOutput> task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.close();
        }
    }

    private void start() {
        start(new BudgetBook(Map.of()), T0.plus(Duration.ofDays(500)), context -> {});
    }

    private void start(
            BudgetBook book, Instant wallClock, Consumer<ProcessorContext<String, List<ScopeInput>>> beforeStart) {
        List<StoreBuilder<?>> stores = new ArrayList<>(SpendStores.DEFAULT.builders());
        stores.add(CommitFlush.builder(HOOK));
        task = new OneTask<>(
                () -> new SpendProcessor(
                        SpendStores.DEFAULT,
                        HOOK,
                        Duration.ofSeconds(1),
                        ZoneOffset.UTC,
                        Duration.ofHours(1),
                        Duration.ofMinutes(30),
                        RETENTION,
                        book,
                        new ProcessorMetrics(new SimpleMeterRegistry())),
                wallClock,
                stores,
                beforeStart);
    }

    private static ScopeInput delta(Scope scope, String lastEventId, String usd, Instant at) {
        return ScopeInput.spend(
                scope, new SpendDelta(lastEventId, at, at, new BigDecimal(usd), 1, 100, 10, 0, 0, 0, 0));
    }

    /** One batch, one commit: the batch travels at its earliest delta's time, as the combiner sends it. */
    private void commit(ScopeInput... batch) {
        Instant at =
                batch.length == 0 ? T0 : ((ScopeInput.Spend) batch[0]).delta().lastAt();
        commitAt(at, batch);
    }

    private void commitAt(Instant streamTime, ScopeInput... batch) {
        String key = batch.length == 0 ? "global:*" : batch[0].scope().toString();
        task.commit(streamTime, new Record<>(key, List.of(batch), streamTime.toEpochMilli()));
    }

    /** An empty batch at {@code streamTime}: the expiry runs at each 10 minutes of stream time passed. */
    private void streamTimeTo(Instant streamTime) {
        commitAt(streamTime);
    }

    private KeyValueStore<String, SpendAggregate> spend() {
        return task.store(SpendStores.DEFAULT.spend());
    }

    private String storedDay() {
        SpendAggregate day = spend().get(ALICE_DAY);
        return day == null ? "none" : day.spendUsd().toPlainString() + " in " + day.events() + " events";
    }

    private String storedSession(Scope session) {
        SpendAggregate s = spend().get(SpendStores.sessionKey(session));
        return s == null
                ? "none"
                : s.spendUsd().toPlainString() + " from " + s.windowStart() + " to " + s.lastEventAt();
    }

    private List<String> alertMarks() {
        KeyValueStore<String, Long> alerted = task.store(SpendStores.DEFAULT.alerted());
        List<String> keys = new ArrayList<>();
        try (var it = alerted.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private int windows(Period period) {
        int n = 0;
        try (var it = spend().prefixScan(period + "|", new StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** The alerts forwarded so far (statuses go out on the flush, beside them). */
    private List<BudgetAlert> alerts() {
        return task.out.stream()
                .map(Record::value)
                .filter(v -> v instanceof BudgetOutput.Raised)
                .map(v -> ((BudgetOutput.Raised) v).alert())
                .toList();
    }

    @Test
    void theDeltasOfACommitReachTheStoreAddedUpAndTheNextCommitAddsToThem() {
        start();
        commit(delta(ALICE, "e1", "2.5", T0), delta(ALICE, "e2", "1.25", T0.plusSeconds(1)));
        assertThat(storedDay()).isEqualTo("3.75 in 2 events");

        commit(delta(ALICE, "e3", "1", T0.plusSeconds(2)));

        assertThat(storedDay()).isEqualTo("4.75 in 3 events");
        assertThat(List.of(windows(Period.HOUR), windows(Period.DAY), windows(Period.MONTH)))
                .containsExactly(1, 1, 1);
    }

    @Test
    void aWindowNoLongerKeptInMemoryIsReadBackFromTheStore() {
        start();
        commit(delta(ALICE, "e1", "2.5", T0));
        List<ScopeInput> others = new ArrayList<>();
        for (int i = 0; i < SpendWindows.RECENT_WINDOWS / 3 + 1; i++) { // 3 windows each: alice's drop out
            others.add(delta(Scope.of(ScopeType.USER, "u" + i), "x" + i, "1", T0));
        }
        commit(others.toArray(ScopeInput[]::new));

        commit(delta(ALICE, "e2", "1.25", T0.plusSeconds(1)));

        assertThat(storedDay()).isEqualTo("3.75 in 2 events");
    }

    @Test
    void hourWindowsExpireAfterTwoDaysPlusGraceAndDayWindowsStay() {
        start();
        commit(delta(ALICE, "e1", "2.5", T0));
        String aliceHour = SpendStores.key(Period.HOUR, T0, ALICE);

        streamTimeTo(T0.plus(Duration.ofDays(2))); // within 2 days + 1 h grace
        assertThat(spend().get(aliceHour).spendUsd().toPlainString()).isEqualTo("2.5");
        streamTimeTo(T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(2)));

        assertThat(spend().get(aliceHour)).isNull();
        assertThat(storedDay()).isEqualTo("2.5 in 1 events");
    }

    @Test
    void aSenderWhoseClockRunsAheadDoesNotMakeEveryoneElsesEventsLate() {
        start(new BudgetBook(Map.of()), T0.plusSeconds(60), context -> {});
        Instant ahead = T0.plus(Duration.ofHours(5));

        commitAt(
                T0,
                delta(ALICE, "ahead", "4", ahead),
                delta(ALICE, "now", "2.5", T0)); // the batch travels at the wall clock

        assertThat(spend().get(SpendStores.key(Period.HOUR, T0, ALICE))
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("2.5");
        assertThat(spend().get(SpendStores.key(Period.HOUR, ahead, ALICE))
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("4");
        assertThat(storedDay()).isEqualTo("6.5 in 2 events");
    }

    @Test
    void oneExpiryRunDeletesAtMostItsCapTheNextRunTheRest() {
        start();
        List<ScopeInput> batch = new ArrayList<>();
        for (int i = 0; i < SpendWindows.MAX_EXPIRED_PER_RUN + 10; i++) {
            batch.add(delta(Scope.of(ScopeType.USER, "u" + i), "x" + i, "1", T0));
        }
        commit(batch.toArray(ScopeInput[]::new));
        Instant afterRetention = T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(2));

        streamTimeTo(afterRetention);
        assertThat(windows(Period.HOUR)).isEqualTo(10);
        streamTimeTo(afterRetention.plus(SpendWindows.EXPIRY_INTERVAL));

        assertThat(windows(Period.HOUR)).isZero();
        assertThat(windows(Period.DAY)).isEqualTo(SpendWindows.MAX_EXPIRED_PER_RUN + 10);
    }

    @Test
    void aClosedSessionWindowExpiresOnceItsLastEventIsInactivityGraceAndRetentionOld() {
        start();
        Scope older = Scope.of(ScopeType.SESSION, "s-older");
        commit(delta(older, "e0", "1", T0.minusMillis(1)), delta(SESSION, "e1", "2.5", T0));
        Instant lastKept =
                T0.plus(Duration.ofMinutes(30)).plus(Duration.ofHours(1)).plus(Duration.ofDays(2));

        streamTimeTo(lastKept); // an expiry run: stream time is a whole 10 minutes

        assertThat(storedSession(SESSION)).isEqualTo("2.5 from 2026-11-22T10:00:00Z to 2026-11-22T10:00:00Z");
        assertThat(storedSession(older)).as("its last event 1 ms earlier").isEqualTo("none");
        assertThat(spend().get(SpendStores.key(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), SESSION)))
                .as("the session's DAY window follows window.retention.day")
                .extracting(a -> a.spendUsd().toPlainString())
                .isEqualTo("2.5");
    }

    @Test
    void aSessionKeepsItsAlertMarksWhileItsWindowIsOpenAndLosesThemOnceANewSessionReplacedIt() {
        start(
                new BudgetBook(Map.of(ScopeType.SESSION, Map.of(Period.SESSION, new BigDecimal("10")))),
                T0.plus(Duration.ofDays(500)),
                context -> {});
        String firstMark = "SESSION|2026-11-22T10:00:00Z|session:s-1|0.5";
        commit(delta(SESSION, "e1", "6", T0));
        Instant at = T0;
        for (int i = 2;
                i <= 3 * 24 * 3;
                i++) { // an event every 20 minutes for three days, each an expiry run: one open session
            at = at.plus(Duration.ofMinutes(20));
            commit(delta(SESSION, "e" + i, "0.001", at));
        }
        assertThat(alertMarks()).containsExactly(firstMark);
        commit(delta(SESSION, "e-more", "1", at.plusSeconds(1)));
        assertThat(alerts())
                .extracting(BudgetAlert::alertId)
                .as("raised once, not again after the expiry runs")
                .containsExactly("session:s-1|SESSION|2026-11-22T10:00:00Z|0.5");

        Instant next = at.plus(Duration.ofHours(1)); // after a gap longer than session.inactivity
        commit(delta(SESSION, "n1", "1", next)); // then an expiry run at the same stream time

        assertThat(alertMarks()).isEmpty();
        assertThat(storedSession(SESSION)).isEqualTo("1 from " + next + " to " + next);
    }

    @Test
    void aBudgetTheStoreHeldWhenTheTaskStartedAlerts() {
        start(new BudgetBook(Map.of()), T0.plus(Duration.ofDays(500)), context -> {
            KeyValueStore<String, Budget> budgets = context.getStateStore(SpendStores.DEFAULT.budgets());
            budgets.put(ALICE.toString(), new Budget(ALICE, Map.of(Period.DAY, new BigDecimal("10")), null));
        });

        commit(delta(ALICE, "e1", "6", T0));

        assertThat(alerts())
                .extracting(BudgetAlert::alertId)
                .containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5");
        BudgetAlert alert = alerts().get(0);
        assertThat(alert.spendUsd().toPlainString()).isEqualTo("6");
        assertThat(alert.limitUsd().toPlainString()).isEqualTo("10");
        assertThat(alert.triggeringEventId()).isEqualTo("e1");
    }

    @Test
    void aStatusGoesOutOncePerCommitHoweverManyDeltasMovedIt() {
        start(
                new BudgetBook(Map.of(ScopeType.USER, Map.of(Period.DAY, new BigDecimal("100")))),
                T0.plus(Duration.ofDays(500)),
                context -> {});

        commit(
                delta(ALICE, "e1", "1", T0),
                delta(ALICE, "e2", "2", T0.plusSeconds(1)),
                delta(ALICE, "e3", "4", T0.plusSeconds(2)));

        assertThat(task.out)
                .extracting(r -> r.value() instanceof BudgetOutput.Status s
                        ? s.key() + " " + s.status().spendUsd().toPlainString()
                        : "alert")
                .containsExactly("user:alice|DAY 7");
    }
}
