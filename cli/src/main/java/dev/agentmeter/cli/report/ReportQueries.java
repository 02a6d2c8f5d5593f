package dev.agentmeter.cli.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL behind reports, on the sink's {@code agent_usage} table. Sums are Postgres numeric,
 * exact; only derived figures (averages, shares, projections) are rounded, to 6 decimals.
 */
public final class ReportQueries {

    /** One group: its key, interactions, exact cost and share of the total in percent. */
    public record Line(String key, long events, BigDecimal costUsd, BigDecimal sharePercent) {
    }

    public record Totals(BigDecimal costUsd, long events, long errors) {
        public BigDecimal averageUsd() {
            return events == 0 ? BigDecimal.ZERO : costUsd.divide(BigDecimal.valueOf(events), 6, RoundingMode.HALF_EVEN);
        }
    }

    private final Connection connection;
    private final String table;
    private final Map<String, String> filters;

    /** @param filters column → value, AND-ed (e.g. agent → coder) */
    public ReportQueries(Connection connection, String table, Map<String, String> filters) {
        this.connection = connection;
        this.table = table;
        this.filters = new LinkedHashMap<>(filters);
    }

    public Totals totals(Window w) throws SQLException {
        try (PreparedStatement s = prepare("SELECT coalesce(sum(total_cost_usd), 0), count(*), "
                + "count(*) FILTER (WHERE status = 'error') FROM " + table + where(), w, List.of());
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Totals(rs.getBigDecimal(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** @param total the window's total cost (from {@link #totals}), the base of the shares */
    public List<Line> groupBy(Window w, GroupBy g, int top, BigDecimal total) throws SQLException {
        List<Object> head = g.needsZone() ? List.of(w.zone().getId()) : List.of();
        String sql = "SELECT " + g.sql + " AS k, count(*), sum(total_cost_usd) FROM " + table + where()
                + " GROUP BY 1 ORDER BY " + (g == GroupBy.DAY ? "1" : "3 DESC, 1") + (top > 0 ? " LIMIT " + top : "");
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement s = prepare(sql, w, head); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                BigDecimal cost = rs.getBigDecimal(3);
                lines.add(new Line(rs.getString(1), rs.getLong(2), cost, share(cost, total)));
            }
        }
        return lines;
    }

    /** Models billed at the default price (unknown to the catalog) in the window. */
    public List<Line> unpriced(Window w, BigDecimal total) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT coalesce(provider, '?') || '/' || model, count(*), sum(total_cost_usd) FROM "
                + table + where() + " AND cost_source = 'default' GROUP BY 1 ORDER BY 3 DESC", w, List.of());
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                lines.add(new Line(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3), share(rs.getBigDecimal(3), total)));
            }
        }
        return lines;
    }

    /** Spend of one scope column (null = everything) in the window, ignoring the report's filters. */
    public BigDecimal scopeSpend(Window w, String column, String id) throws SQLException {
        String sql = "SELECT coalesce(sum(total_cost_usd), 0) FROM " + table + " WHERE occurred_at >= ? AND occurred_at < ?"
                + (column == null ? "" : " AND " + column + " = ?");
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(w.from()));
            s.setTimestamp(2, Timestamp.from(w.to()));
            if (column != null) {
                s.setString(3, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    static BigDecimal share(BigDecimal part, BigDecimal total) {
        return total.signum() == 0 ? BigDecimal.ZERO : part.movePointRight(2).divide(total, 1, RoundingMode.HALF_EVEN);
    }

    private String where() {
        StringBuilder sql = new StringBuilder(" WHERE occurred_at >= ? AND occurred_at < ?");
        for (String column : filters.keySet()) {
            sql.append(column.equals("model") ? " AND (model = ? OR model_key = ?)" : " AND " + column + " = ?");
        }
        return sql.toString();
    }

    private PreparedStatement prepare(String sql, Window w, List<Object> head) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        int i = 1;
        for (Object o : head) {
            s.setObject(i++, o);
        }
        s.setTimestamp(i++, Timestamp.from(w.from()));
        s.setTimestamp(i++, Timestamp.from(w.to()));
        for (Map.Entry<String, String> f : filters.entrySet()) {
            s.setString(i++, f.getValue());
            if (f.getKey().equals("model")) {
                s.setString(i++, f.getValue());
            }
        }
        return s;
    }
}
