package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.budget.Forecast;
import dev.agentmeter.processor.budget.Thresholds;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Checks a window's spend against its budget: raises one alert per threshold reached that is not
 * alerted now, the FORECAST of a budget that asks for one, RESOLVED for thresholds a changed
 * budget no longer crosses, and keeps each window's status for the next flush.
 *
 * <p>The alert marks ({@code window key|threshold} → generation, negative once RESOLVED) make
 * "exactly one alert per alertId" hold across duplicates; exactly-once processing makes it hold
 * across restarts. Statuses are sent by {@link #sendStatuses()}, so a status goes out at most once
 * per scope and period per flush, however many deltas moved it.
 */
final class BudgetChecker {

    /** The alert mark of a window's FORECAST, after the window's key (threshold marks carry the threshold). */
    static final String FORECAST_MARK = "forecast";

    private final ProcessorContext<String, BudgetOutput> context;
    private final KeyValueStore<String, Long> alerted;
    private final BudgetBook budgets;
    private final ProcessorMetrics metrics;
    /** Budget statuses changed since the last flush, by {@code scope|period} (null: remove). */
    private final Map<String, BudgetStatus> statuses = new LinkedHashMap<>();

    BudgetChecker(
            ProcessorContext<String, BudgetOutput> context,
            KeyValueStore<String, Long> alerted,
            BudgetBook budgets,
            ProcessorMetrics metrics) {
        this.context = context;
        this.alerted = alerted;
        this.budgets = budgets;
        this.metrics = metrics;
    }

    /**
     * Raises the alerts for every threshold the window's spend has reached and that is not alerted
     * now (a threshold RESOLVED before alerts again, as its next generation), the FORECAST of a
     * budget that asks for one, and notes the window's status for the next flush.
     *
     * @param own the scope's own budget, null for the defaults of its type
     * @param at the time of the spend (event time), or of the budget change
     */
    void check(
            Scope scope,
            String scopeKey,
            Budget own,
            Period period,
            SpendAggregate agg,
            String triggeringEventId,
            Instant at) {
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
            raise(
                    scopeKey,
                    new BudgetAlert(
                            BudgetAlert.alertId(scope, period, agg.windowStart(), threshold, generation),
                            scope,
                            period,
                            agg.windowStart(),
                            agg.windowEnd(),
                            threshold,
                            AlertLevel.forThreshold(threshold),
                            agg.spendUsd(),
                            limit.limitUsd(),
                            triggeringEventId,
                            Instant.ofEpochMilli(context.currentSystemTimeMs())),
                    agg);
        }
        if (own != null && own.forecasting() && period != Period.SESSION) {
            forecast(scope, scopeKey, period, agg, limit, triggeringEventId, at);
        }
        statuses.put(
                BudgetStatus.key(scope, period),
                BudgetStatus.of(
                        scope,
                        period,
                        agg.windowStart(),
                        agg.windowEnd(),
                        agg.spendUsd(),
                        limit.limitUsd(),
                        limit.thresholds(),
                        Instant.ofEpochMilli(context.currentSystemTimeMs())));
    }

    /**
     * A scope's budget went from {@code old} to {@code budget} (either null: none): thresholds
     * alerted in the window that the new limit no longer crosses are RESOLVED, the window is checked
     * against the new limit, and a status whose limit no longer exists is removed.
     *
     * @param agg the scope's current window of {@code period}, null when it has none (a session not seen)
     */
    void afterBudgetChange(
            Scope scope, String scopeKey, Budget old, Budget budget, Period period, SpendAggregate agg, Instant now) {
        BudgetBook.Limit before = budgets.limit(scope, old, period);
        BudgetBook.Limit after = budgets.limit(scope, budget, period);
        if (agg != null) {
            resolve(scope, scopeKey, period, agg, before, after);
        }
        if (after == null) {
            if (before != null) {
                statuses.put(BudgetStatus.key(scope, period), null);
            }
            return;
        }
        if (agg != null) {
            check(scope, scopeKey, budget, period, agg, null, now);
        }
    }

    /** Sends the statuses changed since the last call, each once. */
    void sendStatuses() {
        if (statuses.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        statuses.forEach(
                (key, status) -> context.forward(new Record<>(key, new BudgetOutput.Status(key, status), now)));
        statuses.clear();
    }

    /**
     * RESOLVED, once, for each threshold alerted in this window that the new limit no longer
     * crosses (or every alerted one, when no limit is left); crossing it again later alerts again
     * with its next generation ({@code |2}, {@code |3}…).
     */
    private void resolve(
            Scope scope,
            String scopeKey,
            Period period,
            SpendAggregate agg,
            BudgetBook.Limit before,
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
                // a scope whose id extends this one ("user:al" and "user:al|ice" share the prefix)
                continue;
            }
            if (!Thresholds.resolves(mark.value, agg.spendUsd(), after, threshold)) {
                continue;
            }
            long generation = mark.value;
            alerted.put(mark.key, -generation);
            BigDecimal limit = after != null ? after.limitUsd() : before != null ? before.limitUsd() : BigDecimal.ZERO;
            raise(
                    scopeKey,
                    new BudgetAlert(
                            BudgetAlert.alertId(scope, period, agg.windowStart(), threshold, generation) + "|resolved",
                            scope,
                            period,
                            agg.windowStart(),
                            agg.windowEnd(),
                            threshold,
                            AlertLevel.RESOLVED,
                            agg.spendUsd(),
                            limit,
                            null,
                            Instant.ofEpochMilli(context.currentSystemTimeMs())),
                    agg);
        }
    }

    /** One FORECAST per window, when {@link Forecast} has the evidence and the projection reaches the limit. */
    private void forecast(
            Scope scope,
            String scopeKey,
            Period period,
            SpendAggregate agg,
            BudgetBook.Limit limit,
            String triggeringEventId,
            Instant at) {
        String mark = SpendStores.key(period, agg.windowStart(), scopeKey) + "|" + FORECAST_MARK;
        if (alerted.get(mark) != null) {
            return;
        }
        Instant when = at.isBefore(agg.windowEnd()) ? at : agg.windowEnd();
        Forecast f =
                Forecast.of(agg.windowStart(), agg.windowEnd(), when, agg.spendUsd(), agg.events(), limit.limitUsd());
        if (f == null) {
            return;
        }
        alerted.put(mark, 1L);
        raise(
                scopeKey,
                new BudgetAlert(
                        BudgetAlert.forecastId(scope, period, agg.windowStart()),
                        scope,
                        period,
                        agg.windowStart(),
                        agg.windowEnd(),
                        new BigDecimal("1.0"),
                        AlertLevel.FORECAST,
                        agg.spendUsd(),
                        limit.limitUsd(),
                        triggeringEventId,
                        Instant.ofEpochMilli(context.currentSystemTimeMs()),
                        f.projectedUsd(),
                        f.crossingAt()),
                agg);
    }

    private void raise(String scopeKey, BudgetAlert alert, SpendAggregate agg) {
        metrics.alert(alert.level());
        // At the window's start, or now for a window that starts ahead (a broker refuses future records).
        context.forward(new Record<>(
                scopeKey,
                new BudgetOutput.Raised(alert),
                Math.min(agg.windowStart().toEpochMilli(), context.currentSystemTimeMs())));
    }
}
