package dev.agentmeter.dashboard.live;

import dev.agentmeter.model.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * One budget limit and its spend in the current window: the contract's budget status (level
 * {@code OK} below the lowest threshold, {@code WARNING} from it, {@code EXCEEDED} at the limit).
 */
public record BudgetUse(
        String scope,
        Period period,
        BigDecimal spendUsd,
        BigDecimal limitUsd,
        List<BigDecimal> thresholds,
        Instant windowEnd) {

    public String id() {
        return scope + "|" + period;
    }

    /** spend / limit, 6 decimals (0 for a zero limit with no spend). */
    public BigDecimal usedRatio() {
        if (limitUsd.signum() == 0) {
            return spendUsd.signum() > 0 ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return spendUsd.divide(limitUsd, 6, RoundingMode.HALF_EVEN);
    }

    /** Used in percent, one decimal. */
    public BigDecimal usedPercent() {
        return usedRatio().movePointRight(2).setScale(1, RoundingMode.HALF_EVEN);
    }

    public String level() {
        if (spendUsd.compareTo(limitUsd) >= 0) {
            return "EXCEEDED";
        }
        BigDecimal lowest = thresholds.isEmpty() ? BigDecimal.ONE : thresholds.get(0);
        return spendUsd.compareTo(limitUsd.multiply(lowest)) >= 0 ? "WARNING" : "OK";
    }
}
