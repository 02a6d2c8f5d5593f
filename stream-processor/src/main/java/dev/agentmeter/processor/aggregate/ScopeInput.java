package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;

/**
 * What reaches the per-scope aggregator, partitioned by scope: either a spend delta or a budget
 * change ({@code budget} null with {@code budgetChange} true is a deleted budget).
 */
public record ScopeInput(Scope scope, SpendDelta delta, Budget budget, boolean budgetChange) {

    public static ScopeInput spend(Scope scope, SpendDelta delta) {
        return new ScopeInput(scope, delta, null, false);
    }

    public static ScopeInput budget(Scope scope, Budget budget) {
        return new ScopeInput(scope, null, budget, true);
    }
}
