package dev.agentmeter.sink.write;

import dev.agentmeter.model.BudgetAlert;
import java.util.List;
import java.util.function.Function;

/** How a {@link BudgetAlert} becomes a row of {@code budget_alerts}. */
public final class AlertRows {

    private AlertRows() {}

    public static TableSpec<BudgetAlert> table(String name) {
        return new TableSpec<>(name, COLUMNS, "(alert_id)");
    }

    static final List<Column<BudgetAlert>> COLUMNS = List.of(
            col("alert_id", "text", BudgetAlert::alertId),
            col("scope", "text", a -> a.scope().toString()),
            col("scope_type", "text", a -> a.scope().type().wireName()),
            col("scope_id", "text", a -> a.scope().id()),
            col("period", "text", a -> a.period().name()),
            col("window_start", "timestamptz", BudgetAlert::windowStart),
            col("window_end", "timestamptz", BudgetAlert::windowEnd),
            col("threshold", "numeric", BudgetAlert::threshold),
            col("level", "text", a -> a.level().name()),
            col("spend_usd", "numeric", BudgetAlert::spendUsd),
            col("limit_usd", "numeric", BudgetAlert::limitUsd),
            col("triggering_event_id", "text", BudgetAlert::triggeringEventId),
            col("raised_at", "timestamptz", BudgetAlert::raisedAt),
            col("projected_usd", "numeric", BudgetAlert::projectedUsd),
            col("projected_crossing_at", "timestamptz", BudgetAlert::projectedCrossingAt));

    private static Column<BudgetAlert> col(String name, String type, Function<BudgetAlert, Object> f) {
        return Column.of(name, type, f);
    }
}
