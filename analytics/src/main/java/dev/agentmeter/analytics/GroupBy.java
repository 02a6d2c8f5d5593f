package dev.agentmeter.analytics;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a report groups by, and the SQL expression over agent_usage for it. */
public enum GroupBy {
    MODEL("coalesce(model_key, model, 'api:' || api_service)"),
    COMPANY("coalesce(company, 'unknown')"),
    PROVIDER("coalesce(provider, 'unknown')"),
    AGENT("agent"),
    USER("coalesce(user_id, '(none)')"),
    TEAM("coalesce(team_id, '(none)')"),
    TASK_TYPE("coalesce(task_type, '(none)')"),
    SESSION("coalesce(session_id, '(none)')"),
    DAY("to_char(occurred_at AT TIME ZONE ?, 'YYYY-MM-DD')");

    private final String sql;

    GroupBy(String sql) {
        this.sql = sql;
    }

    /** The SQL expression over agent_usage (DAY takes the zone as its first parameter). */
    public String sql() {
        return sql;
    }

    public boolean needsZone() {
        return this == DAY;
    }

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static GroupBy parse(String text) {
        for (GroupBy g : values()) {
            if (g.cliName().equals(text)) {
                return g;
            }
        }
        throw new IllegalArgumentException("--group-by must be one of "
                + Arrays.stream(values()).map(GroupBy::cliName).collect(Collectors.joining(", ")) + ", not " + text);
    }
}
