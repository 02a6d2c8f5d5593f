package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A record on {@code agentmeter.budget-alerts}. {@code alertId} = scope|period|windowStart|threshold,
 * and there is exactly one alert per alertId.
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
        Instant raisedAt) {

    public static String alertId(Scope scope, Period period, Instant windowStart, BigDecimal threshold) {
        return scope + "|" + period + "|" + windowStart + "|" + threshold.toPlainString();
    }
}
