package dev.agentmeter.analytics;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a report groups by, and the SQL expression over agent_usage for it. HANDOFF is the workflow
 * view: a session's longest chain of agents ({@code handoffChain} + the agent), see
 * {@link ReportQueries#workflows}.
 */
public enum GroupBy {
    MODEL("coalesce(model_key, model, 'api:' || api_service)"),
    COMPANY("coalesce(company, 'unknown')"),
    PROVIDER("coalesce(provider, 'unknown')"),
    AGENT("agent"),
    USER("coalesce(user_id, '(none)')"),
    TEAM("coalesce(team_id, '(none)')"),
    TASK_TYPE("coalesce(task_type, '(none)')"),
    SESSION("coalesce(session_id, '(none)')"),
    /** The tier the provider served the call at (absent: standard). */
    SERVICE_TIER("coalesce(service_tier, 'standard')"),
    HANDOFF("coalesce(array_to_string(array_append(handoff_chain, agent), ' → '), agent)"),
    DAY("to_char(occurred_at AT TIME ZONE ?, 'YYYY-MM-DD')"),
    /** The ISO week (Monday) a row falls in, named by its first day. */
    WEEK("to_char(date_trunc('week', occurred_at AT TIME ZONE ?), 'YYYY-MM-DD')"),
    MONTH("to_char(occurred_at AT TIME ZONE ?, 'YYYY-MM')");

    private final String sql;

    GroupBy(String sql) {
        this.sql = sql;
    }

    /** The SQL expression over agent_usage (DAY, WEEK and MONTH take the zone as their first parameter). */
    public String sql() {
        return sql;
    }

    public boolean needsZone() {
        return isCalendar();
    }

    /** A calendar bucket: listed in time order rather than by cost. */
    public boolean isCalendar() {
        return this == DAY || this == WEEK || this == MONTH;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
