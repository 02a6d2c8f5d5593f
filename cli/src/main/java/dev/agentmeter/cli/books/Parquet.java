package dev.agentmeter.cli.books;

import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parquet through an in-process DuckDB (no Hadoop): the rows of a CUR 2.0 export as column → text,
 * its map columns ({@code product}, {@code resource_tags}) flattened to {@code <column>_<key>};
 * and a CSV turned into Parquet for the FOCUS export.
 */
final class Parquet {

    private Parquet() {}

    static Connection duckdb() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /** Every row of the file, each value as text (null stays null). */
    static List<Map<String, String>> rows(Path file) throws SQLException {
        try (Connection c = duckdb()) {
            Map<String, String> types = new LinkedHashMap<>();
            try (PreparedStatement d = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
                d.setString(1, file.toString());
                try (ResultSet r = d.executeQuery()) {
                    while (r.next()) {
                        types.put(r.getString(1), r.getString(2));
                    }
                }
            }
            List<String> mapColumns = new ArrayList<>();
            StringBuilder select = new StringBuilder();
            for (Map.Entry<String, String> t : types.entrySet()) {
                if (select.length() > 0) {
                    select.append(", ");
                }
                String q = "\"" + t.getKey().replace("\"", "\"\"") + "\"";
                if (t.getValue().startsWith("MAP(")) {
                    mapColumns.add(t.getKey());
                    select.append("CAST(to_json(")
                            .append(q)
                            .append(") AS VARCHAR) AS ")
                            .append(q);
                } else {
                    select.append("CAST(").append(q).append(" AS VARCHAR) AS ").append(q);
                }
            }
            List<Map<String, String>> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + select + " FROM read_parquet(?)")) {
                s.setString(1, file.toString());
                try (ResultSet r = s.executeQuery()) {
                    int n = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        Map<String, String> row = new HashMap<>();
                        for (int i = 1; i <= n; i++) {
                            String name = r.getMetaData().getColumnLabel(i);
                            String v = r.getString(i);
                            if (mapColumns.contains(name)) {
                                flatten(name, v, row);
                            } else {
                                row.put(name, v);
                            }
                        }
                        out.add(row);
                    }
                }
            }
            return out;
        }
    }

    private static void flatten(String column, String json, Map<String, String> row) {
        if (json == null) {
            return;
        }
        try {
            var node = ContractJson.mapper().readTree(json);
            node.properties()
                    .forEach(e -> row.putIfAbsent(
                            column + "_" + e.getKey(),
                            e.getValue().isNull() ? null : e.getValue().asText()));
        } catch (IOException e) {
            throw new IllegalArgumentException("column " + column + " is not a map of text: " + e.getMessage(), e);
        }
    }

    /** Writes {@code csv} (with a header) as Parquet, the columns named in {@code decimals} as DECIMAL(38,20). */
    static void csvToParquet(Path csv, Path parquet, List<String> decimals) throws SQLException {
        try (Connection c = duckdb();
                Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (PreparedStatement d =
                    c.prepareStatement("DESCRIBE SELECT * FROM read_csv(?, all_varchar = true, header = true)")) {
                d.setString(1, csv.toString());
                try (ResultSet r = d.executeQuery()) {
                    while (r.next()) {
                        columns.add(r.getString(1));
                    }
                }
            }
            StringBuilder select = new StringBuilder();
            for (String col : columns) {
                if (select.length() > 0) {
                    select.append(", ");
                }
                String q = "\"" + col.replace("\"", "\"\"") + "\"";
                select.append(decimals.contains(col) ? "CAST(" + q + " AS DECIMAL(38,20)) AS " + q : q);
            }
            s.execute("COPY (SELECT " + select + " FROM read_csv('"
                    + csv.toString().replace("'", "''")
                    + "', all_varchar = true, header = true)) TO '"
                    + parquet.toString().replace("'", "''")
                    + "' (FORMAT parquet)");
        }
    }
}
