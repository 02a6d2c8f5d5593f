package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;

/** What the aggregator sends on: an alert for the alert topic, or a budget status (or its removal) for the status topic. */
public sealed interface BudgetOutput {

    /** An alert, keyed by scope on the alert topic. */
    record Raised(BudgetAlert alert) implements BudgetOutput {}

    /** The status of {@code key} ({@code scope|period}); {@code status} null removes it (a tombstone). */
    record Status(String key, BudgetStatus status) implements BudgetOutput {}
}
