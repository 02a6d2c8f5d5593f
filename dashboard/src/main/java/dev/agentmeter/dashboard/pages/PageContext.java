package dev.agentmeter.dashboard.pages;

import dev.agentmeter.dashboard.Db;
import dev.agentmeter.dashboard.live.KafkaFollower;
import dev.agentmeter.dashboard.live.LiveHub;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * What every page reads from: the database, the live figures, the followed topics, the defaults,
 * and {@code queries}: threads for a page's second query, run beside its first.
 */
public record PageContext(
        Db db,
        String usageTable,
        String alertsTable,
        ZoneId zone,
        LiveHub live,
        KafkaFollower follower,
        ExecutorService queries) {

    /** Alerts raised in [from, to), newest first, from the alert table. */
    List<BudgetAlert> storedAlerts(Connection c, Instant from, Instant to, int limit) throws SQLException {
        List<BudgetAlert> out = new ArrayList<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT alert_id, scope, period, window_start, window_end, threshold,"
                        + " level, spend_usd, limit_usd, triggering_event_id, raised_at, projected_usd, projected_crossing_at FROM "
                        + alertsTable
                        + " WHERE raised_at >= ? AND raised_at < ? ORDER BY raised_at DESC, alert_id LIMIT ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new BudgetAlert(
                            rs.getString(1),
                            Scope.parse(rs.getString(2)),
                            Period.valueOf(rs.getString(3)),
                            instant(rs.getTimestamp(4)),
                            instant(rs.getTimestamp(5)),
                            rs.getBigDecimal(6),
                            AlertLevel.valueOf(rs.getString(7)),
                            rs.getBigDecimal(8),
                            rs.getBigDecimal(9),
                            rs.getString(10),
                            instant(rs.getTimestamp(11)),
                            rs.getBigDecimal(12),
                            instant(rs.getTimestamp(13))));
                }
            }
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The latest alerts: those read from the topic since start and those stored, once each, newest first. */
    List<BudgetAlert> latestAlerts(Connection c, int limit) throws SQLException {
        Map<String, BudgetAlert> byId = new LinkedHashMap<>();
        if (follower != null) {
            follower.recentAlerts().forEach(a -> byId.put(String.valueOf(a.alertId()), a));
        }
        for (BudgetAlert a : storedAlerts(c, Instant.EPOCH, Instant.now().plusSeconds(3600), limit)) {
            byId.putIfAbsent(a.alertId(), a);
        }
        return byId.values().stream()
                .sorted(Comparator.comparing((BudgetAlert a) -> a.raisedAt() == null ? Instant.EPOCH : a.raisedAt())
                        .reversed())
                .limit(limit)
                .toList();
    }
}
