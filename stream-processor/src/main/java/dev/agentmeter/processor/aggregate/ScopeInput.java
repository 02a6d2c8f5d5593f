package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;

/** What reaches the per-scope aggregator, partitioned by scope: a spend delta or a budget change. */
public sealed interface ScopeInput permits ScopeInput.Spend, ScopeInput.BudgetChange {

    Scope scope();

    /** Spend that one or more priced events add to the scope ({@link DeltaCombiner}). */
    record Spend(Scope scope, SpendDelta delta) implements ScopeInput {}

    /** The scope's budget as set, or {@code budget} null when it was deleted. */
    record BudgetChange(Scope scope, Budget budget) implements ScopeInput {}

    static Spend spend(Scope scope, SpendDelta delta) {
        return new Spend(scope, delta);
    }

    static BudgetChange budget(Scope scope, Budget budget) {
        return new BudgetChange(scope, budget);
    }
}
