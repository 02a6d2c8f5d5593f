package dev.agentmeter.processor.budget;

import java.math.BigDecimal;
import java.util.List;

/**
 * The budget-threshold decisions, apart from the stores they are recorded in: which thresholds a
 * window's spend reaches, when a threshold alerts (again), and when an alerted one is resolved.
 *
 * <p>An alerted threshold's mark holds its generation: positive while alerted, negated once
 * RESOLVED. Crossing it again after a resolution alerts as the next generation, so every alert has
 * its own alertId ({@code |2}, {@code |3}…), as the contract says.
 */
public final class Thresholds {

    private Thresholds() {}

    /**
     * The thresholds the spend reaches under the limit (thresholds sorted ascending), lowest first:
     * a view of the limit's list, no copy (called for every window update of a budgeted scope).
     */
    public static List<BigDecimal> reached(BigDecimal spendUsd, BudgetBook.Limit limit) {
        List<BigDecimal> thresholds = limit.thresholds();
        int n = 0;
        while (n < thresholds.size() && crosses(spendUsd, limit.limitUsd(), thresholds.get(n))) {
            n++; // sorted: none above the first one missed is reached either
        }
        return thresholds.subList(0, n);
    }

    /** Whether spend reaches {@code threshold} (a fraction) of the limit; exact, no rounding. */
    public static boolean crosses(BigDecimal spendUsd, BigDecimal limitUsd, BigDecimal threshold) {
        return spendUsd.compareTo(limitUsd.multiply(threshold)) >= 0;
    }

    /**
     * The generation a reached threshold alerts as, given its mark: 1 when never alerted, the next
     * one after a resolution, or 0 when it is alerted now (no new alert).
     */
    public static long alertGeneration(Long mark) {
        if (mark == null) {
            return 1;
        }
        return mark > 0 ? 0 : -mark + 1;
    }

    /**
     * Whether an alerted threshold is to be RESOLVED after a budget change: it is alerted now
     * ({@code mark} positive) and the new limit (null: the budget is gone) is no longer reached.
     */
    public static boolean resolves(Long mark, BigDecimal spendUsd, BudgetBook.Limit after, BigDecimal threshold) {
        if (mark == null || mark <= 0) {
            return false;
        }
        return after == null || !crosses(spendUsd, after.limitUsd(), threshold);
    }
}
