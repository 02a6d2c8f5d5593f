package dev.agentmeter.analytics;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;

/**
 * The reports' filters (column → value) as SQL, in one place: their clause and their parameters,
 * after the window's two bounds. {@code model} matches the stored name or the catalog key;
 * {@code service_tier} counts a row that names no tier as standard, as the contract does.
 */
public final class SqlFilters {

    private SqlFilters() {}

    /** {@code " AND column = ?"} per filter, in the map's order. */
    public static String clause(Map<String, String> filters) {
        StringBuilder sql = new StringBuilder();
        for (String column : filters.keySet()) {
            sql.append(
                    switch (column) {
                        case "model" -> " AND (model = ? OR model_key = ?)";
                        case "service_tier" -> " AND coalesce(service_tier, 'standard') = ?";
                        default -> " AND " + column + " = ?";
                    });
        }
        return sql.toString();
    }

    /** Sets the window's bounds, then the filters, from parameter {@code i}; returns the next index. */
    public static int bind(PreparedStatement s, int i, Window w, Map<String, String> filters) throws SQLException {
        s.setTimestamp(i++, Timestamp.from(w.from()));
        s.setTimestamp(i++, Timestamp.from(w.to()));
        for (Map.Entry<String, String> f : filters.entrySet()) {
            s.setString(i++, f.getValue());
            if (f.getKey().equals("model")) {
                s.setString(i++, f.getValue());
            }
        }
        return i;
    }
}
