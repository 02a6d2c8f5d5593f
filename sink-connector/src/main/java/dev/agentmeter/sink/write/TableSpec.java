package dev.agentmeter.sink.write;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A sink table: its name, the columns written, and the conflict target that makes a redelivered
 * row a no-op.
 */
public record TableSpec<T>(String table, List<Column<T>> columns, String conflictTarget) {

    public TableSpec {
        columns = List.copyOf(columns);
    }

    public String columnList() {
        return columns.stream().map(Column::name).collect(Collectors.joining(", "));
    }

    String stagingTable() {
        return "agentmeter_stage_" + table;
    }
}
