package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.CalendarWindow;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-scope spend and budget alerts, partitioned by scope; inputs arrive in batches of scopes of
 * one partition (see {@link DeltaCombiner}). A spend delta updates the scope's HOUR, DAY and MONTH
 * windows (and the SESSION window for session scopes), and each updated window is checked against
 * the scope's budget. A budget change re-checks the current windows, so a new or lowered budget
 * alerts at once.
 *
 * <p>Three pieces do the work, each in its own class:
 * <ul>
 *   <li>{@link SpendWindows}: the spend store behind a write-back cache, written on every commit
 *       ({@link CommitFlush}) and between commits every {@code flushInterval}; and the expiry of
 *       old windows, every {@link SpendWindows#EXPIRY_INTERVAL} of stream time;</li>
 *   <li>{@link ZoneSeeder}: the first window of a budget's own zone, seeded from the processor-zone
 *       windows;</li>
 *   <li>{@link BudgetChecker}: thresholds, RESOLVED, forecasts and statuses.</li>
 * </ul>
 * What this class keeps itself is the order of those steps and the budgets, few and rarely
 * changed, mirrored in memory. Every piece is made again when the task is initialised, so a task
 * revived after an error starts from its stores alone.
 */
public final class SpendProcessor implements Processor<String, List<ScopeInput>, String, BudgetOutput> {

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
    private KeyValueStore<String, Budget> budgetStore;
    /** The budget store's content, by scope: read for every delta, and most scopes have none. */
    private Map<String, Budget> budgetsByScope;

    private SpendWindows windows;
    private ZoneSeeder seeder;
    private BudgetChecker checker;

    public SpendProcessor(
            SpendStores names,
            String hookName,
            Duration flushInterval,
            ZoneId zone,
            Duration grace,
            Duration sessionInactivity,
            Map<Period, Duration> retention,
            BudgetBook budgets,
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
        KeyValueStore<String, Long> alerted = context.getStateStore(names.alerted());
        windows = new SpendWindows(context.getStateStore(names.spend()), alerted, retention, grace, sessionInactivity);
        seeder = new ZoneSeeder(windows, zone, retention.get(Period.HOUR), metrics);
        checker = new BudgetChecker(context, alerted, budgets, metrics);
        budgetStore = context.getStateStore(names.budgets());
        budgetsByScope = new HashMap<>();
        try (KeyValueIterator<String, Budget> all = budgetStore.all()) {
            all.forEachRemaining(kv -> budgetsByScope.put(kv.key, kv.value));
        }
        CommitFlush.schedule(context, hookName, flushInterval, this::flush);
        context.schedule(SpendWindows.EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, streamTime -> {
            flush();
            windows.expire(streamTime);
        });
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
     * is checked against). A zoned window met for the first time is seeded ({@link ZoneSeeder})
     * before this delta is added.
     */
    private void onSpend(Scope scope, SpendDelta d, long streamTime) {
        String scopeKey = scope.toString();
        Budget own = budgetsByScope.get(scopeKey);
        ZoneId budgetZone = own == null ? zone : own.zoneOr(zone);
        boolean late = false;
        // Zoned windows first, seeded (when new) before this delta reaches any processor-zone window.
        // Most scopes have no zone of their own: nothing is allocated for them.
        boolean ownZone = !budgetZone.equals(zone);
        Set<Period> zoned = ownZone ? EnumSet.noneOf(Period.class) : Set.of();
        Map<Period, SpendAggregate> zonedBefore = ownZone ? new EnumMap<>(Period.class) : Map.of();
        if (ownZone) {
            for (Period period : SpendWindows.CALENDAR) {
                CalendarWindow w = CalendarWindow.of(period, d.lastAt(), zone);
                CalendarWindow bw = CalendarWindow.of(period, d.lastAt(), budgetZone);
                if (bw.start().equals(w.start())) {
                    continue; // the same window in both zones (an HOUR of a zone whole hours away)
                }
                zoned.add(period);
                if (!isLate(bw, streamTime)) {
                    SpendAggregate agg = windows.get(SpendStores.key(period, bw.start(), scopeKey));
                    zonedBefore.put(period, agg != null ? agg : seeder.seed(period, bw, scopeKey, streamTime));
                }
            }
        }
        for (Period period : SpendWindows.CALENDAR) {
            // A delta never spans two clock hours, so all its events share these windows.
            CalendarWindow w = CalendarWindow.of(period, d.lastAt(), zone);
            SpendAggregate zonedAgg = zonedBefore.get(period);
            if (zonedAgg != null) {
                zonedAgg = zonedAgg.add(d);
                windows.put(SpendStores.key(period, zonedAgg.windowStart(), scopeKey), zonedAgg);
            }
            SpendAggregate agg = null;
            if (isLate(w, streamTime)) {
                late = true;
            } else {
                String key = SpendStores.key(period, w.start(), scopeKey);
                agg = windows.get(key);
                agg = (agg == null ? SpendAggregate.empty(w.start(), w.end()) : agg).add(d);
                windows.put(key, agg);
            }
            // The budget is checked against its own zone's window (null when that one is late).
            SpendAggregate checked = zoned.contains(period) ? zonedAgg : agg;
            if (checked != null) {
                checker.check(scope, scopeKey, own, period, checked, d.lastEventId(), d.lastAt());
            }
        }
        if (scope.type() == ScopeType.SESSION) {
            String key = SpendStores.sessionKey(scope);
            SpendAggregate agg = windows.get(key);
            if (agg == null || d.firstAt().isAfter(agg.lastEventAt().plus(sessionInactivity))) {
                agg = SpendAggregate.empty(d.firstAt(), null);
            }
            agg = agg.add(d);
            windows.put(key, agg);
            checker.check(scope, scopeKey, own, Period.SESSION, agg, d.lastEventId(), d.lastAt());
        }
        if (late && scope.type() == ScopeType.GLOBAL) {
            metrics.late(d.events());
        }
    }

    private boolean isLate(CalendarWindow w, long streamTime) {
        return w.end().plus(grace).toEpochMilli() < streamTime;
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
        for (Period period : SpendWindows.CALENDAR) {
            CalendarWindow w = CalendarWindow.of(period, now, budgetZone);
            String key = SpendStores.key(period, w.start(), scopeKey);
            SpendAggregate agg = windows.get(key);
            if (agg == null && !budgetZone.equals(zone)) {
                agg = seeder.seed(period, w, scopeKey, now.toEpochMilli());
                if (agg.events() > 0) {
                    windows.put(key, agg);
                }
            }
            checker.afterBudgetChange(
                    scope,
                    scopeKey,
                    old,
                    budget,
                    period,
                    agg == null ? SpendAggregate.empty(w.start(), w.end()) : agg,
                    now);
        }
        if (scope.type() == ScopeType.SESSION) {
            checker.afterBudgetChange(
                    scope, scopeKey, old, budget, Period.SESSION, windows.get(SpendStores.sessionKey(scope)), now);
        }
    }

    /** Sends the changed statuses and writes the updated windows: on every commit and flush interval. */
    private void flush() {
        checker.sendStatuses();
        windows.write();
    }
}
