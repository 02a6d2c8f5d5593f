package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A record on {@code agentmeter.budget-alerts}. {@code alertId} = scope|period|windowStart|threshold
 * (|forecast for a FORECAST; |2, |3… for a threshold crossed again after a RESOLVED; |resolved
 * appended for a RESOLVED), and there is exactly one alert per alertId. {@code projectedUsd} and
 * {@code projectedCrossingAt} are set on FORECAST alerts only.
 */
public record BudgetAlert(
        String alertId,
        Scope scope,
        Period period,
        Instant windowStart,
        Instant windowEnd,
        BigDecimal threshold,
        AlertLevel level,
        BigDecimal spendUsd,
        BigDecimal limitUsd,
        String triggeringEventId,
        Instant raisedAt,
        BigDecimal projectedUsd,
        Instant projectedCrossingAt) {

    /** A threshold alert (WARNING, EXCEEDED, RESOLVED): no projection. */
    public BudgetAlert(
            String alertId,
            Scope scope,
            Period period,
            Instant windowStart,
            Instant windowEnd,
            BigDecimal threshold,
            AlertLevel level,
            BigDecimal spendUsd,
            BigDecimal limitUsd,
            String triggeringEventId,
            Instant raisedAt) {
        this(
                alertId,
                scope,
                period,
                windowStart,
                windowEnd,
                threshold,
                level,
                spendUsd,
                limitUsd,
                triggeringEventId,
                raisedAt,
                null,
                null);
    }

    public static String alertId(Scope scope, Period period, Instant windowStart, BigDecimal threshold) {
        return scope + "|" + period + "|" + windowStart + "|" + threshold.toPlainString();
    }

    /** The id of the {@code generation}-th crossing of a threshold in one window (1: the plain id). */
    public static String alertId(
            Scope scope, Period period, Instant windowStart, BigDecimal threshold, long generation) {
        String base = alertId(scope, period, windowStart, threshold);
        return generation <= 1 ? base : base + "|" + generation;
    }

    public static String forecastId(Scope scope, Period period, Instant windowStart) {
        return scope + "|" + period + "|" + windowStart + "|forecast";
    }
}
