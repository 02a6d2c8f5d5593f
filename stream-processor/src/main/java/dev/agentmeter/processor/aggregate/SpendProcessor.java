package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.budget.Forecast;
import dev.agentmeter.processor.budget.Thresholds;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * ({@link CommitFlush}: inside the transaction that commits the inputs they came from) and, between
 * commits, every {@code flushInterval}, not on every update: a window is
 * updated about once per combiner flush, so writing through a store cache serialised and
 * deserialised nearly every aggregate twice for nothing. Queries read the store, so they see
 * spend up to one more flush interval late than the combiner already makes them. The windows written last stay in memory too (bounded), as the
 * active scopes' open windows are updated again after every flush. Budgets, few and rarely
 * changed, are mirrored in memory.
 */
public final class SpendProcessor implements Processor<String, List<ScopeInput>, String, BudgetOutput> {

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
    /** The alert mark of a window's FORECAST, after the window's key (threshold marks carry the threshold). */
    static final String FORECAST_MARK = "forecast";

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
    private ProcessorContext<String, BudgetOutput> context;
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
    /**
     * Budget statuses changed since the last flush, by {@code scope|period} (null: remove). Sent on
     * the flush, so a status goes out at most once per scope and period per commit, however many
     * deltas moved it.
     */
    private final Map<String, BudgetStatus> statuses = new LinkedHashMap<>();

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
    public void init(ProcessorContext<String, BudgetOutput> context) {
        this.context = context;
        this.spend = context.getStateStore(names.spend());
        this.budgetStore = context.getStateStore(names.budgets());
        this.alerted = context.getStateStore(names.alerted());
        // A task revived after an error is initialised again: what it held unwritten was never committed.
        unwritten.clear();
        recent.clear();
        budgetsByScope.clear();
        statuses.clear();
        try (KeyValueIterator<String, Budget> all = budgetStore.all()) {
            all.forEachRemaining(kv -> budgetsByScope.put(kv.key, kv.value));
        }
        CommitFlush.schedule(context, hookName, flushInterval, this::write);
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
            if (in instanceof ScopeInput.BudgetChange change) {
                onBudget(change.scope(), change.budget(), streamTime);
            } else {
                SpendDelta delta = ((ScopeInput.Spend) in).delta();
                streamTime = Math.max(streamTime, Math.min(delta.lastAt().toEpochMilli(), now));
                onSpend(in.scope(), delta, streamTime);
            }
        }
    }

    /**
     * Adds a delta to the scope's windows in the processor's zone (what queries read) and, for a
     * scope whose own budget names another zone, to its windows in that zone too (what its budget
     * is checked against). A zoned window met for the first time is seeded from what the
     * processor-zone windows already hold of it ({@link #seed}) before this delta is added.
     */
    private void onSpend(Scope scope, SpendDelta d, long streamTime) {
        String scopeKey = scope.toString();
        Budget own = budgetsByScope.get(scopeKey);
        ZoneId budgetZone = own == null ? zone : own.zoneOr(zone);
        boolean late = false;
        // Zoned windows first, seeded (when new) before this delta reaches any processor-zone window.
        Map<Period, SpendAggregate> zonedBefore = new EnumMap<>(Period.class);
        if (!budgetZone.equals(zone)) {
            for (Period period : CALENDAR) {
                Windows.Window w = Windows.of(period, d.lastAt(), zone);
                Windows.Window bw = Windows.of(period, d.lastAt(), budgetZone);
                if (!bw.start().equals(w.start()) && !isLate(bw, streamTime)) {
                    SpendAggregate agg = aggregate(SpendStores.key(period, bw.start(), scopeKey));
                    zonedBefore.put(period, agg != null ? agg : seed(period, bw, scopeKey, streamTime));
                }
            }
        }
        for (Period period : CALENDAR) {
            // A delta never spans two clock hours, so all its events share these windows.
            Windows.Window w = Windows.of(period, d.lastAt(), zone);
            SpendAggregate zonedAgg = zonedBefore.get(period);
            if (zonedAgg != null) {
                zonedAgg = zonedAgg.add(d);
                unwritten.put(SpendStores.key(period, zonedAgg.windowStart(), scopeKey), zonedAgg);
            }
            SpendAggregate agg = null;
            if (isLate(w, streamTime)) {
                late = true;
            } else {
                String key = SpendStores.key(period, w.start(), scopeKey);
                agg = aggregate(key);
                agg = (agg == null ? SpendAggregate.empty(w.start(), w.end()) : agg).add(d);
                unwritten.put(key, agg);
            }
            boolean zoned = !budgetZone.equals(zone) && !Windows.of(period, d.lastAt(), budgetZone).start().equals(w.start());
            SpendAggregate checked = zoned ? zonedAgg : agg;
            if (checked != null) {
                check(scope, scopeKey, own, period, checked, d.lastEventId(), d.lastAt());
            }
        }
        if (scope.type() == ScopeType.SESSION) {
            String key = SpendStores.sessionKey(scope);
            SpendAggregate agg = aggregate(key);
            if (agg == null || d.firstAt().isAfter(agg.lastEventAt().plus(sessionInactivity))) {
                agg = SpendAggregate.empty(d.firstAt(), null);
            }
            agg = agg.add(d);
            unwritten.put(key, agg);
            check(scope, scopeKey, own, Period.SESSION, agg, d.lastEventId(), d.lastAt());
        }
        if (late && scope.type() == ScopeType.GLOBAL) {
            metrics.late(d.events());
        }
    }

    private boolean isLate(Windows.Window w, long streamTime) {
        return w.end().plus(grace).toEpochMilli() < streamTime;
    }

    /**
     * What the processor-zone windows already hold of a window in another zone: whole processor-zone
     * days inside it from their DAY windows, the rest hour by hour from the HOUR windows. Exact
     * when those hours are still kept ({@code window.retention.hour}, 2 days): always for the
     * current DAY of a zone whole hours away, and for a MONTH window only when the budget named
     * its zone before the month's first partial day was dropped. Hours of an edge day no longer
     * kept are counted as missing ({@code agentmeter_budget_zone_seed_inexact_total}), never guessed.
     */
    private SpendAggregate seed(Period period, Windows.Window bw, String scopeKey, long streamTime) {
        SpendAggregate seeded = SpendAggregate.empty(bw.start(), bw.end());
        Instant hourHorizon = Instant.ofEpochMilli(streamTime).minus(retention.get(Period.HOUR));
        Instant stop = Instant.ofEpochMilli(Math.max(streamTime, bw.start().toEpochMilli())); // nothing is kept ahead of stream time
        boolean exact = true;
        Instant t = bw.start();
        while (t.isBefore(bw.end()) && !t.isAfter(stop)) {
            Windows.Window day = Windows.of(Period.DAY, t, zone);
            if (period != Period.HOUR && !day.start().isBefore(bw.start()) && !day.end().isAfter(bw.end())) {
                seeded = seeded.merge(aggregate(SpendStores.key(Period.DAY, day.start(), scopeKey)));
                t = day.end();
                continue;
            }
            Instant until = day.end().isBefore(bw.end()) ? day.end() : bw.end();
            SpendAggregate dayAgg = aggregate(SpendStores.key(Period.DAY, day.start(), scopeKey));
            for (Instant h = t; h.isBefore(until) && !h.isAfter(stop); h = Windows.of(Period.HOUR, h, zone).end()) {
                Windows.Window hour = Windows.of(Period.HOUR, h, zone);
                boolean inside = !hour.start().isBefore(bw.start()) && !hour.end().isAfter(bw.end());
                SpendAggregate hourAgg = aggregate(SpendStores.key(Period.HOUR, hour.start(), scopeKey));
                if (inside && (hourAgg != null || !hour.start().isBefore(hourHorizon))) {
                    seeded = seeded.merge(hourAgg);
                } else if (dayAgg != null && dayAgg.spendUsd().signum() > 0) {
                    exact = false; // spend that day, and this hour not kept (or not aligned): not counted
                }
            }
            t = until;
        }
        if (!exact) {
            metrics.zoneSeedInexact();
        }
        return seeded;
    }

    /**
     * A budget set, changed or deleted: the current windows are checked against it at once (a new
     * or lowered budget alerts now), thresholds alerted in them that it no longer crosses are
     * RESOLVED, and its statuses are published (removed for limits that no longer exist).
     */
    private void onBudget(Scope scope, Budget budget, long streamTime) {
        String scopeKey = scope.toString();
        Budget old = budgetsByScope.get(scopeKey);
        if (budget == null) {
            budgetStore.delete(scopeKey);
            budgetsByScope.remove(scopeKey);
        } else {
            budgetStore.put(scopeKey, budget);
            budgetsByScope.put(scopeKey, budget);
        }
        Instant now = Instant.ofEpochMilli(streamTime > 0 ? streamTime : context.currentSystemTimeMs());
        ZoneId budgetZone = budget == null ? zone : budget.zoneOr(zone);
        for (Period period : CALENDAR) {
            Windows.Window w = Windows.of(period, now, budgetZone);
            String key = SpendStores.key(period, w.start(), scopeKey);
            SpendAggregate agg = aggregate(key);
            if (agg == null && !budgetZone.equals(zone)) {
                agg = seed(period, w, scopeKey, now.toEpochMilli());
                if (agg.events() > 0) {
                    unwritten.put(key, agg);
                }
            }
            afterBudgetChange(scope, scopeKey, old, budget, period,
                    agg == null ? SpendAggregate.empty(w.start(), w.end()) : agg, now);
        }
        if (scope.type() == ScopeType.SESSION) {
            SpendAggregate agg = aggregate(SpendStores.sessionKey(scope));
            if (agg != null) {
                afterBudgetChange(scope, scopeKey, old, budget, Period.SESSION, agg, now);
            } else if (budgets.limit(scope, budget, Period.SESSION) == null
                    && budgets.limit(scope, old, Period.SESSION) != null) {
                statuses.put(BudgetStatus.key(scope, Period.SESSION), null);
            }
        }
    }

    private void afterBudgetChange(Scope scope, String scopeKey, Budget old, Budget budget, Period period,
                                   SpendAggregate agg, Instant now) {
        BudgetBook.Limit before = budgets.limit(scope, old, period);
        BudgetBook.Limit after = budgets.limit(scope, budget, period);
        resolve(scope, scopeKey, period, agg, before, after);
        if (after == null) {
            if (before != null) {
                statuses.put(BudgetStatus.key(scope, period), null);
            }
            return;
        }
        check(scope, scopeKey, budget, period, agg, null, now);
    }

    /**
     * RESOLVED, once, for each threshold alerted in this window that the new limit no longer
     * crosses (or every alerted one, when no limit is left); crossing it again later alerts again
     * with its next generation ({@code |2}, {@code |3}…).
     */
    private void resolve(Scope scope, String scopeKey, Period period, SpendAggregate agg, BudgetBook.Limit before,
                         BudgetBook.Limit after) {
        String prefix = SpendStores.key(period, agg.windowStart(), scopeKey) + "|";
        List<KeyValue<String, Long>> marks = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = alerted.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(marks::add);
        }
        for (KeyValue<String, Long> mark : marks) {
            String suffix = mark.key.substring(prefix.length());
            if (mark.value == null || mark.value <= 0 || suffix.equals(FORECAST_MARK) || suffix.contains("|")) {
                continue; // already resolved, a forecast, or a scope whose id extends this one
            }
            BigDecimal threshold;
            try {
                threshold = new BigDecimal(suffix);
            } catch (NumberFormatException e) {
                continue; // a scope whose id extends this one ("user:al" and "user:al|ice" cannot be told apart otherwise)
            }
            if (!Thresholds.resolves(mark.value, agg.spendUsd(), after, threshold)) {
                continue;
            }
            long generation = mark.value;
            alerted.put(mark.key, -generation);
            BigDecimal limit = after != null ? after.limitUsd() : before != null ? before.limitUsd() : BigDecimal.ZERO;
            raise(scopeKey, new BudgetAlert(BudgetAlert.alertId(scope, period, agg.windowStart(), threshold, generation)
                    + "|resolved", scope, period, agg.windowStart(), agg.windowEnd(), threshold, AlertLevel.RESOLVED,
                    agg.spendUsd(), limit, null, Instant.ofEpochMilli(context.currentSystemTimeMs())), agg);
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
        if (!statuses.isEmpty()) {
            long now = context.currentSystemTimeMs();
            statuses.forEach((key, status) -> context.forward(new Record<>(key, new BudgetOutput.Status(key, status), now)));
            statuses.clear();
        }
        if (unwritten.isEmpty()) {
            return;
        }
        List<KeyValue<String, SpendAggregate>> batch = new ArrayList<>(unwritten.size());
        unwritten.forEach((key, agg) -> batch.add(KeyValue.pair(key, agg)));
        spend.putAll(batch);
        recent.putAll(unwritten);
        unwritten.clear();
    }

    /**
     * Raises the alerts for every threshold the window's spend has reached and that is not alerted
     * now (a threshold RESOLVED before alerts again, as its next generation), the FORECAST of a
     * budget that asks for one, and notes the window's status for the next flush.
     *
     * @param at the time of the spend (event time), or of the budget change
     */
    private void check(Scope scope, String scopeKey, Budget own, Period period, SpendAggregate agg,
                       String triggeringEventId, Instant at) {
        BudgetBook.Limit limit = budgets.limit(scope, own, period);
        if (limit == null) {
            return;
        }
        for (BigDecimal threshold : Thresholds.reached(agg.spendUsd(), limit)) {
            String mark = SpendStores.alertedKey(period, agg.windowStart(), scopeKey, threshold);
            long generation = Thresholds.alertGeneration(alerted.get(mark));
            if (generation == 0) {
                continue; // alerted now
            }
            alerted.put(mark, generation);
            raise(scopeKey, new BudgetAlert(BudgetAlert.alertId(scope, period, agg.windowStart(), threshold, generation),
                    scope, period, agg.windowStart(), agg.windowEnd(), threshold, AlertLevel.forThreshold(threshold),
                    agg.spendUsd(), limit.limitUsd(), triggeringEventId, Instant.ofEpochMilli(context.currentSystemTimeMs())),
                    agg);
        }
        if (own != null && own.forecasting() && period != Period.SESSION) {
            forecast(scope, scopeKey, period, agg, limit, triggeringEventId, at);
        }
        statuses.put(BudgetStatus.key(scope, period), BudgetStatus.of(scope, period, agg.windowStart(), agg.windowEnd(),
                agg.spendUsd(), limit.limitUsd(), limit.thresholds(), Instant.ofEpochMilli(context.currentSystemTimeMs())));
    }

    /** One FORECAST per window, when {@link Forecast} has the evidence and the projection reaches the limit. */
    private void forecast(Scope scope, String scopeKey, Period period, SpendAggregate agg, BudgetBook.Limit limit,
                          String triggeringEventId, Instant at) {
        String mark = SpendStores.key(period, agg.windowStart(), scopeKey) + "|" + FORECAST_MARK;
        if (alerted.get(mark) != null) {
            return;
        }
        Instant when = at.isBefore(agg.windowEnd()) ? at : agg.windowEnd();
        Forecast f = Forecast.of(agg.windowStart(), agg.windowEnd(), when, agg.spendUsd(), agg.events(), limit.limitUsd());
        if (f == null) {
            return;
        }
        alerted.put(mark, 1L);
        raise(scopeKey, new BudgetAlert(BudgetAlert.forecastId(scope, period, agg.windowStart()), scope, period,
                agg.windowStart(), agg.windowEnd(), new BigDecimal("1.0"), AlertLevel.FORECAST, agg.spendUsd(),
                limit.limitUsd(), triggeringEventId, Instant.ofEpochMilli(context.currentSystemTimeMs()),
                f.projectedUsd(), f.crossingAt()), agg);
    }

    private void raise(String scopeKey, BudgetAlert alert, SpendAggregate agg) {
        metrics.alert(alert.level());
        // At the window's start, or now for a window that starts ahead (a broker refuses future records).
        context.forward(new Record<>(scopeKey, new BudgetOutput.Raised(alert), Math.min(agg.windowStart().toEpochMilli(),
                context.currentSystemTimeMs())));
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
