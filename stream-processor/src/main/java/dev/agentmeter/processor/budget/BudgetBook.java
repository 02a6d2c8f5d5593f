package dev.agentmeter.processor.budget;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The budget that applies to a scope: its own from the budgets topic, else the configured default
 * for its scope type (with the default thresholds 0.5, 0.8, 1.0), else none.
 */
public final class BudgetBook {

    private final Map<ScopeType, Map<Period, BigDecimal>> defaults;

    public BudgetBook(Map<ScopeType, Map<Period, BigDecimal>> defaults) {
        this.defaults = defaults;
    }

    /** The limit and thresholds for one period, or null when the scope has no budget for it. */
    public record Limit(BigDecimal limitUsd, List<BigDecimal> thresholds) {}

    public Limit limit(Scope scope, Budget own, Period period) {
        if (own != null) {
            BigDecimal l = own.limits().get(period);
            return l == null ? null : new Limit(l, own.thresholds());
        }
        BigDecimal l = defaults.getOrDefault(scope.type(), Map.of()).get(period);
        return l == null ? null : new Limit(l, Budget.DEFAULT_THRESHOLDS);
    }
}
