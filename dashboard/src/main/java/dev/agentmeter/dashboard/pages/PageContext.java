package dev.agentmeter.dashboard.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.dashboard.Db;
import dev.agentmeter.dashboard.live.KafkaFollower;
import dev.agentmeter.dashboard.live.LiveHub;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
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
public record PageContext(Db db, String usageTable, String alertsTable, ZoneId zone, LiveHub live,
                          KafkaFollower follower, ExecutorService queries) {

    /** Alerts raised in [from, to), newest first, from the alert table, as the topic's JSON shape. */
    List<JsonNode> storedAlerts(Connection c, Instant from, Instant to, int limit) throws SQLException {
        List<JsonNode> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT alert_id, scope, period, window_start, window_end, threshold,"
                + " level, spend_usd, limit_usd, triggering_event_id, raised_at, projected_usd, projected_crossing_at FROM "
                + alertsTable
                + " WHERE raised_at >= ? AND raised_at < ? ORDER BY raised_at DESC, alert_id LIMIT ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ObjectNode a = JsonNodeFactory.instance.objectNode();
                    a.put("alertId", rs.getString(1));
                    a.put("scope", rs.getString(2));
                    a.put("period", rs.getString(3));
                    a.put("windowStart", rs.getTimestamp(4).toInstant().toString());
                    Timestamp end = rs.getTimestamp(5);
                    a.put("windowEnd", end == null ? null : end.toInstant().toString());
                    a.put("threshold", rs.getBigDecimal(6).toPlainString());
                    a.put("level", rs.getString(7));
                    a.put("spendUsd", rs.getBigDecimal(8).toPlainString());
                    a.put("limitUsd", rs.getBigDecimal(9).toPlainString());
                    a.put("triggeringEventId", rs.getString(10));
                    a.put("raisedAt", rs.getTimestamp(11).toInstant().toString());
                    if (rs.getBigDecimal(12) != null) {
                        a.put("projectedUsd", rs.getBigDecimal(12).toPlainString());
                    }
                    Timestamp crossing = rs.getTimestamp(13);
                    if (crossing != null) {
                        a.put("projectedCrossingAt", crossing.toInstant().toString());
                    }
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static Instant raisedAt(JsonNode a) {
        try {
            return Instant.parse(a.path("raisedAt").asText());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** The latest alerts: those read from the topic since start and those stored, once each, newest first. */
    List<JsonNode> latestAlerts(Connection c, int limit) throws SQLException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        if (follower != null) {
            follower.recentAlerts().forEach(a -> byId.put(a.path("alertId").asText(), a));
        }
        for (JsonNode a : storedAlerts(c, Instant.EPOCH, Instant.now().plusSeconds(3600), limit)) {
            byId.putIfAbsent(a.path("alertId").asText(), a);
        }
        return byId.values().stream()
                .sorted(Comparator.comparing(PageContext::raisedAt).reversed())
                .limit(limit).toList();
    }
}
