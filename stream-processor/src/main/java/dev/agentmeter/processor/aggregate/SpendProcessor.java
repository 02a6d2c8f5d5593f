package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-scope spend and budget alerts, partitioned by scope; inputs arrive in batches of scopes of
 * one partition (see {@link DeltaCombiner}). For each spend delta it updates the
 * scope's HOUR, DAY and MONTH windows (and the SESSION window for session scopes), then raises one
 * alert per threshold reached that was not raised before for that window. A budget change
 * re-checks the current windows, so a new or lowered budget alerts at once. The alerted store makes
 * "exactly one alert per alertId" hold across duplicates; exactly-once processing makes it hold
 * across restarts.
 *
 * <p>Updated aggregates are kept as objects and written to the spend store on every commit
 * ({@link CommitHook}: inside the transaction that commits the inputs they came from) and, between
 * commits, every {@code flushInterval} ({@link FlushSchedule}), not on every update: a window is
 * updated about once per combiner flush, so writing through a store cache serialised and
 * deserialised nearly every aggregate twice for nothing. Queries read the store, so they see
 * spend up to one more flush interval late than the combiner already makes them. The windows written last stay in memory too (bounded), as the
 * active scopes' open windows are updated again after every flush. Budgets, few and rarely
 * changed, are mirrored in memory.
 */
public final class SpendProcessor implements Processor<String, List<ScopeInput>, String, BudgetAlert> {

    private static final List<Period> CALENDAR = List.of(Period.HOUR, Period.DAY, Period.MONTH);
    /** Windows kept as objects after they are written (~300 bytes each): see {@link #recent}. */
    static final int RECENT_WINDOWS = 20_000;
    /**
     * At most this many entries are deleted per expiry run. The deletes and their changelog records
     * belong to one transaction, which the broker aborts after {@code transaction.timeout.ms} (10 s
     * under exactly-once by default): 2M deletes took 24 s in RocksDB here, and an aborted run would
     * be retried forever. What is left goes in the next runs, every {@link #EXPIRY_INTERVAL} of
     * stream time (up to 600k windows per task and hour).
     */
    static final int MAX_EXPIRED_PER_RUN = 100_000;
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(10);

    private final SpendStores names;
    private final String hookName;
    private final Duration flushInterval;
    private final ZoneId zone;
    private final Duration grace;
    private final Duration sessionInactivity;
    /** How long closed windows stay queryable in the processor, by period (history lives in Postgres). */
    private final Map<Period, Duration> retention;
    private final BudgetBook budgets;
    private final ProcessorMetrics metrics;
    private ProcessorContext<String, BudgetAlert> context;
    private KeyValueStore<String, SpendAggregate> spend;
    private KeyValueStore<String, Budget> budgetStore;
    private KeyValueStore<String, Long> alerted;
    /** Aggregates updated since the last write to the spend store, by store key. */
    private final Map<String, SpendAggregate> unwritten = new HashMap<>();
    /**
     * The windows written last, as objects: the open windows of active scopes are updated again
     * after every flush, and reading them back from RocksDB (and deserialising) was most of an
     * update's cost. Least recently used ones are dropped beyond {@link #RECENT_WINDOWS}; the store
     * stays the truth (a window not here is read from it).
     */
    private final Map<String, SpendAggregate> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpendAggregate> eldest) {
            return size() > RECENT_WINDOWS;
        }
    };
    /** The budget store's content, by scope: read for every delta, and most scopes have none. */
    private final Map<String, Budget> budgetsByScope = new HashMap<>();
    /** Deletes the running expiry run may still make (see {@link #MAX_EXPIRED_PER_RUN}). */
    private int expiryBudget;

    public SpendProcessor(SpendStores names, String hookName, Duration flushInterval, ZoneId zone, Duration grace,
                          Duration sessionInactivity, Map<Period, Duration> retention, BudgetBook budgets,
                          ProcessorMetrics metrics) {
        this.names = names;
        this.hookName = hookName;
        this.flushInterval = flushInterval;
        this.zone = zone;
        this.grace = grace;
        this.sessionInactivity = sessionInactivity;
        this.retention = Map.copyOf(retention);
        this.budgets = budgets;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, BudgetAlert> context) {
        this.context = context;
        this.spend = context.getStateStore(names.spend());
        this.budgetStore = context.getStateStore(names.budgets());
        this.alerted = context.getStateStore(names.alerted());
        // A task revived after an error is initialised again: what it held unwritten was never committed.
        unwritten.clear();
        recent.clear();
        budgetsByScope.clear();
        try (KeyValueIterator<String, Budget> all = budgetStore.all()) {
            all.forEachRemaining(kv -> budgetsByScope.put(kv.key, kv.value));
        }
        FlushSchedule.start(context, context.getStateStore(hookName), flushInterval, this::write);
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<String, List<ScopeInput>> record) {
        // A batch travels at its earliest delta's time; stream time moves on entry by entry here, as
        // it did when every delta was a record of its own (so no delta is judged later than it was).
        // An event from a sender whose clock runs ahead moves it no further than the wall clock: else
        // it would make everyone else's current events look late and leave them out of their windows.
        long streamTime = context.currentStreamTimeMs();
        long now = context.currentSystemTimeMs();
        for (ScopeInput in : record.value()) {
            if (in.budgetChange()) {
                onBudget(in.scope(), in.budget(), streamTime);
            } else {
                streamTime = Math.max(streamTime, Math.min(in.delta().lastAt().toEpochMilli(), now));
                onSpend(in.scope(), in.delta(), streamTime);
            }
        }
    }

    private void onSpend(Scope scope, SpendDelta d, long streamTime) {
        String scopeKey = scope.toString();
        Budget own = budgetsByScope.get(scopeKey);
        boolean late = false;
        for (Period period : CALENDAR) {
            // A delta never spans two clock hours, so all its events share these windows.
            Windows.Window w = Windows.of(period, d.lastAt(), zone);
            if (w.end().plus(grace).toEpochMilli() < streamTime) {
                late = true;
                continue;
            }
            String key = SpendStores.key(period, w.start(), scopeKey);
            SpendAggregate agg = aggregate(key);
            agg = (agg == null ? SpendAggregate.empty(w.start(), w.end()) : agg).add(d);
            unwritten.put(key, agg);
            check(scope, scopeKey, own, period, agg, d.lastEventId());
        }
        if (scope.type() == ScopeType.SESSION) {
            String key = SpendStores.sessionKey(scope);
            SpendAggregate agg = aggregate(key);
            if (agg == null || d.firstAt().isAfter(agg.lastEventAt().plus(sessionInactivity))) {
                agg = SpendAggregate.empty(d.firstAt(), null);
            }
            agg = agg.add(d);
            unwritten.put(key, agg);
            check(scope, scopeKey, own, Period.SESSION, agg, d.lastEventId());
        }
        if (late && scope.type() == ScopeType.GLOBAL) {
            metrics.late(d.events());
        }
    }

    private void onBudget(Scope scope, Budget budget, long streamTime) {
        if (budget == null) {
            budgetStore.delete(scope.toString());
            budgetsByScope.remove(scope.toString());
            return;
        }
        budgetStore.put(scope.toString(), budget);
        budgetsByScope.put(scope.toString(), budget);
        if (streamTime <= 0) {
            return;
        }
        Instant now = Instant.ofEpochMilli(streamTime);
        for (Period period : CALENDAR) {
            SpendAggregate agg = aggregate(SpendStores.key(period, Windows.of(period, now, zone).start(), scope));
            if (agg != null) {
                check(scope, scope.toString(), budget, period, agg, null);
            }
        }
        if (scope.type() == ScopeType.SESSION) {
            SpendAggregate agg = aggregate(SpendStores.sessionKey(scope));
            if (agg != null) {
                check(scope, scope.toString(), budget, Period.SESSION, agg, null);
            }
        }
    }

    /** The aggregate as last updated: unwritten, else from the store (null if the window has none). */
    private SpendAggregate aggregate(String key) {
        SpendAggregate agg = unwritten.get(key);
        if (agg == null) {
            agg = recent.get(key);
        }
        return agg != null ? agg : spend.get(key);
    }

    /**
     * Writes the updated aggregates to the spend store (and its changelog) in one RocksDB write
     * batch: a put per window went through RocksDB's whole write path (write group, mutex, version
     * bookkeeping) once for each of the thousands of windows a busy commit updates. Profiled in
     * {@code ProcessorThroughputBenchmark}: 4.6 → 3.4 µs of stream thread per event.
     */
    private void write() {
        if (unwritten.isEmpty()) {
            return;
        }
        List<KeyValue<String, SpendAggregate>> batch = new ArrayList<>(unwritten.size());
        unwritten.forEach((key, agg) -> batch.add(KeyValue.pair(key, agg)));
        spend.putAll(batch);
        recent.putAll(unwritten);
        unwritten.clear();
    }

    /** Raises the alerts for every threshold the window's spend has reached and that was not raised yet. */
    private void check(Scope scope, String scopeKey, Budget own, Period period, SpendAggregate agg, String triggeringEventId) {
        BudgetBook.Limit limit = budgets.limit(scope, own, period);
        if (limit == null) {
            return;
        }
        for (BigDecimal threshold : limit.thresholds()) {
            if (agg.spendUsd().compareTo(limit.limitUsd().multiply(threshold)) < 0) {
                break; // thresholds are sorted: none above this one is reached either
            }
            String mark = SpendStores.alertedKey(period, agg.windowStart(), scopeKey, threshold);
            if (alerted.get(mark) != null) {
                continue;
            }
            alerted.put(mark, context.currentSystemTimeMs());
            AlertLevel level = AlertLevel.forThreshold(threshold);
            BudgetAlert alert = new BudgetAlert(BudgetAlert.alertId(scope, period, agg.windowStart(), threshold),
                    scope, period, agg.windowStart(), agg.windowEnd(), threshold, level, agg.spendUsd(),
                    limit.limitUsd(), triggeringEventId, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            metrics.alert(level);
            // At the window's start, or now for a window that starts ahead (a broker refuses future records).
            context.forward(new Record<>(scopeKey, alert, Math.min(agg.windowStart().toEpochMilli(),
                    context.currentSystemTimeMs())));
        }
    }

    /** Drops windows (and their alert marks) old enough that no event can reach them any more. */
    private void expire(long streamTime) {
        write(); // so the store holds every window before old ones are dropped from it
        recent.clear(); // every 10 min of stream time; the open windows are read back once
        expiryBudget = MAX_EXPIRED_PER_RUN;
        Instant now = Instant.ofEpochMilli(streamTime);
        for (Period period : CALENDAR) {
            expire(period, now.minus(retention.get(period)).minus(grace));
        }
        expireSessions(now.minus(retention.get(Period.SESSION)).minus(grace).minus(sessionInactivity));
    }

    private void expire(Period period, Instant before) {
        for (KeyValueStore<String, ?> store : List.of(spend, alerted)) {
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, ?> it = store.range(SpendStores.rangeStart(period), SpendStores.rangeEnd(period, before))) {
                while (it.hasNext() && old.size() < expiryBudget) {
                    old.add(it.next().key);
                }
            }
            old.forEach(store::delete);
            expiryBudget -= old.size();
        }
    }

    /**
     * Drops SESSION windows whose last event lies before {@code lastEventBefore}: no event can join
     * them any more (a later one is more than grace late or starts a new session). A session's
     * alert marks go when the window they were raised for is no longer its current one: a session
     * replaced by a newer one after a gap is never updated again. Session keys carry no time, so
     * this reads every session window once per expiry run (1.7 s for 1M sessions in RocksDB here).
     */
    private void expireSessions(Instant lastEventBefore) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, SpendAggregate> it = spend.prefixScan(SpendStores.rangeStart(Period.SESSION),
                new StringSerializer())) {
            while (it.hasNext() && old.size() < expiryBudget) {
                KeyValue<String, SpendAggregate> kv = it.next();
                if (kv.value.lastEventAt().isBefore(lastEventBefore)) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(spend::delete);
        expiryBudget -= old.size();
        List<String> deadMarks = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = alerted.prefixScan(SpendStores.rangeStart(Period.SESSION),
                new StringSerializer())) {
            while (it.hasNext() && deadMarks.size() < expiryBudget) {
                String key = it.next().key;
                SpendStores.SessionMark mark = SpendStores.sessionMark(key);
                SpendAggregate current = spend.get(SpendStores.sessionKey(mark.scope()));
                if (current == null || !current.windowStart().equals(mark.windowStart())) {
                    deadMarks.add(key);
                }
            }
        }
        deadMarks.forEach(alerted::delete);
        expiryBudget -= deadMarks.size();
    }
}
