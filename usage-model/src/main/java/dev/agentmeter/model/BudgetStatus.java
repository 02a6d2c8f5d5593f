package dev.agentmeter.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;

/**
 * A record on the compacted {@code agentmeter.budget-status} topic, key {@code scope|period}: what
 * an agent reads before it spends. {@code level}: OK below the lowest threshold, WARNING from it,
 * EXCEEDED at or above the limit.
 */
public record BudgetStatus(
        Scope scope,
        Period period,
        Instant windowStart,
        Instant windowEnd,
        BigDecimal spendUsd,
        BigDecimal limitUsd,
        BigDecimal usedRatio,
        Level level,
        Instant updatedAt) {

    public enum Level {
        OK,
        WARNING,
        EXCEEDED
    }

    public static String key(Scope scope, Period period) {
        return scope + "|" + period;
    }

    /** The status of {@code spend} against {@code limit} and its sorted {@code thresholds}. */
    public static BudgetStatus of(
            Scope scope,
            Period period,
            Instant windowStart,
            Instant windowEnd,
            BigDecimal spend,
            BigDecimal limit,
            List<BigDecimal> thresholds,
            Instant updatedAt) {
        return new BudgetStatus(
                scope,
                period,
                windowStart,
                windowEnd,
                spend,
                limit,
                ratio(spend, limit),
                level(spend, limit, thresholds),
                updatedAt);
    }

    /** spend / limit to 16 significant digits, without trailing zeros (1 for a zero limit with spend, 0 without). */
    static BigDecimal ratio(BigDecimal spend, BigDecimal limit) {
        if (limit.signum() == 0) {
            return spend.signum() > 0 ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        BigDecimal r = spend.divide(limit, MathContext.DECIMAL64).stripTrailingZeros();
        return r.signum() == 0 ? BigDecimal.ZERO : r.scale() < 0 ? r.setScale(0) : r;
    }

    static Level level(BigDecimal spend, BigDecimal limit, List<BigDecimal> thresholds) {
        if (spend.compareTo(limit) >= 0) {
            return Level.EXCEEDED;
        }
        BigDecimal lowest = thresholds.isEmpty() ? BigDecimal.ONE : thresholds.get(0);
        return spend.compareTo(limit.multiply(lowest)) >= 0 ? Level.WARNING : Level.OK;
    }

    public String key() {
        return key(scope, period);
    }
}
