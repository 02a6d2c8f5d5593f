package dev.agentmeter.analytics;

import dev.agentmeter.model.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQL behind reports, on the sink's {@code agent_usage} table. Sums are Postgres numeric,
 * exact; only derived figures (averages, shares, projections) are rounded, to 6 decimals.
 */
public final class ReportQueries {

    /** One group: its key, interactions, exact cost and share of the total in percent. */
    public record Line(String key, long events, BigDecimal costUsd, BigDecimal sharePercent) {}

    public record Totals(BigDecimal costUsd, long events, long errors) {
        public BigDecimal averageUsd() {
            return events == 0
                    ? BigDecimal.ZERO
                    : costUsd.divide(BigDecimal.valueOf(events), 6, RoundingMode.HALF_EVEN);
        }
    }

    /**
     * Where a query reads: the rows, or the hourly roll-up ({@code <table>_hourly}, kept by the
     * database as rows are inserted, see the sink's V8 migration) when the window's bounds are
     * whole UTC hours and the grouping and every filter are roll-up columns. The roll-up holds the
     * rows' exact sums, so both give the same figures; it reads about one row per hour and
     * attribution instead of one per call.
     */
    record Source(String table, String time, String events, String errors, boolean rollup) {
        static final Source ROWS =
                new Source(null, "occurred_at", "count(*)", "count(*) FILTER (WHERE status = 'error')", false);

        Source of(String usageTable) {
            return new Source(usageTable, time, events, errors, rollup);
        }

        static Source rollup(String usageTable) {
            return new Source(
                    usageTable + "_hourly", "hour", "coalesce(sum(events), 0)", "coalesce(sum(errors), 0)", true);
        }

        /** The grouping's expression over this source. */
        String group(GroupBy g) {
            if (!rollup) {
                return g.sql();
            }
            return switch (g) {
                case MODEL -> "model";
                case DAY, WEEK, MONTH -> g.sql().replace("occurred_at", "hour");
                default -> g.sql();
            };
        }
    }

    /** Columns the roll-up has, by the filter's column name ({@code model} is matched on name or key: rows only). */
    private static final Set<String> ROLLUP_FILTERS =
            Set.of("agent", "user_id", "team_id", "provider", "company", "task_type", "service_tier");

    private final Connection connection;
    private final String table;
    private final Map<String, String> filters;
    private Boolean rollupExists;

    /** @param filters column → value, AND-ed (e.g. agent → coder) */
    public ReportQueries(Connection connection, String table, Map<String, String> filters) {
        this.connection = connection;
        this.table = table;
        this.filters = new LinkedHashMap<>(filters);
    }

    public Totals totals(Window w) throws SQLException {
        Source src = source(w, null);
        try (PreparedStatement s = prepare(
                        "SELECT coalesce(sum(total_cost_usd), 0), " + src.events() + ", " + src.errors() + " FROM "
                                + src.table() + where(src),
                        w,
                        List.of());
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Totals(rs.getBigDecimal(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * The window's cost broken down by {@code g}, the {@code top} largest lines first.
     *
     * @param total the window's total cost (from {@link #totals}), the base of the shares
     */
    public List<Line> groupBy(Window w, GroupBy g, int top, BigDecimal total) throws SQLException {
        List<Object> head = g.needsZone() ? List.of(w.zone().getId()) : List.of();
        Source src = source(w, g);
        String sql = "SELECT " + src.group(g) + " AS k, " + src.events() + ", sum(total_cost_usd) FROM " + src.table()
                + where(src) + " GROUP BY 1 ORDER BY " + (g != null && g.isCalendar() ? "1" : "3 DESC, 1")
                + (top > 0 ? " LIMIT " + top : "");
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement s = prepare(sql, w, head);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                BigDecimal cost = rs.getBigDecimal(3);
                lines.add(new Line(rs.getString(1), rs.getLong(2), cost, share(cost, total)));
            }
        }
        return lines;
    }

    /**
     * One group with what a person sizes it by: tokens, what cache reads saved against the input
     * price ({@code cacheSavingsUsd}, exact: cache-read tokens × (input − cache-read price) per
     * million, from each row's applied prices), error rate and latency percentiles.
     */
    public record GroupStats(
            String key,
            long events,
            BigDecimal costUsd,
            BigDecimal sharePercent,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            long reasoningTokens,
            BigDecimal cacheSavingsUsd,
            long errors,
            BigDecimal errorRatePercent,
            Long latencyP50Ms,
            Long latencyP95Ms) {}

    /**
     * {@link #groupBy} with tokens, cache savings, error rate and (with {@code latency}) latency
     * percentiles per group. Latency needs a sort per group (an ordered-set aggregate, which
     * PostgreSQL cannot run in parallel): ask for it only where it is shown.
     */
    public List<GroupStats> groupStats(Window w, GroupBy g, int top, BigDecimal total, boolean latency)
            throws SQLException {
        List<Object> head = g.needsZone() ? List.of(w.zone().getId()) : List.of();
        Source src = latency ? Source.ROWS.of(table) : source(w, g);
        String sql = "SELECT " + src.group(g) + " AS k, " + src.events() + ", sum(total_cost_usd), sum(input_tokens),"
                + " sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),"
                + " coalesce(sum(cache_savings_usd), 0), " + src.errors() + ","
                + (latency
                        ? " percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms),"
                                + " percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms)"
                        : " NULL::bigint, NULL::bigint")
                + " FROM " + src.table() + where(src) + " GROUP BY 1 ORDER BY "
                + (g != null && g.isCalendar() ? "1" : "3 DESC, 1")
                + (top > 0 ? " LIMIT " + top : "");
        List<GroupStats> out = new ArrayList<>();
        try (PreparedStatement s = prepare(sql, w, head);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long events = rs.getLong(2);
                BigDecimal cost = rs.getBigDecimal(3);
                long errors = rs.getLong(10);
                out.add(new GroupStats(
                        rs.getString(1),
                        events,
                        cost,
                        share(cost, total),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        Money.normalise(rs.getBigDecimal(9)),
                        errors,
                        share(BigDecimal.valueOf(errors), BigDecimal.valueOf(events)),
                        longOrNull(rs, 11),
                        longOrNull(rs, 12)));
            }
        }
        return out;
    }

    /** The same groups with their shares of {@code total} (when the total is known only after reading them). */
    public static List<GroupStats> withShares(List<GroupStats> groups, BigDecimal total) {
        return groups.stream()
                .map(s -> new GroupStats(
                        s.key(),
                        s.events(),
                        s.costUsd(),
                        share(s.costUsd(), total),
                        s.inputTokens(),
                        s.outputTokens(),
                        s.cacheReadTokens(),
                        s.cacheWriteTokens(),
                        s.reasoningTokens(),
                        s.cacheSavingsUsd(),
                        s.errors(),
                        s.errorRatePercent(),
                        s.latencyP50Ms(),
                        s.latencyP95Ms()))
                .toList();
    }

    /** One bucket of a trend: its first day, interactions and exact cost. */
    public record TrendPoint(LocalDate start, long events, BigDecimal costUsd) {}

    /**
     * Cost per calendar day of the window in its zone, every day from the window's first to its
     * last (or today), empty ones as zero; rows dated later (a sender's clock ahead) still show.
     */
    public List<TrendPoint> daily(Window w, Instant now) throws SQLException {
        Map<LocalDate, TrendPoint> found = new LinkedHashMap<>();
        Source src = source(w, GroupBy.DAY);
        try (PreparedStatement s = prepare(
                        "SELECT (" + src.time() + " AT TIME ZONE ?)::date, " + src.events()
                                + ", sum(total_cost_usd) FROM " + src.table() + where(src) + " GROUP BY 1 ORDER BY 1",
                        w,
                        List.of(w.zone().getId()));
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                LocalDate day = rs.getObject(1, LocalDate.class);
                found.put(day, new TrendPoint(day, rs.getLong(2), rs.getBigDecimal(3)));
            }
        }
        return fillDays(w, now, found);
    }

    /** Every day of the window up to today, those without rows as zero, plus any found later. */
    private static List<TrendPoint> fillDays(Window w, Instant now, Map<LocalDate, TrendPoint> found) {
        LocalDate first = w.from().atZone(w.zone()).toLocalDate();
        Instant end = now.isBefore(w.to()) ? now : w.to();
        LocalDate last = end.minusNanos(1).atZone(w.zone()).toLocalDate();
        TreeMap<LocalDate, TrendPoint> all = new TreeMap<>(found);
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            all.putIfAbsent(d, new TrendPoint(d, 0, BigDecimal.ZERO));
        }
        return new ArrayList<>(all.values());
    }

    /** Days summed into ISO weeks (Monday first), each labelled by its Monday. */
    public static List<TrendPoint> weekly(List<TrendPoint> days) {
        Map<LocalDate, TrendPoint> weeks = new TreeMap<>();
        for (TrendPoint d : days) {
            LocalDate monday = d.start().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            weeks.merge(
                    monday,
                    new TrendPoint(monday, d.events(), d.costUsd()),
                    (a, b) -> new TrendPoint(
                            monday, a.events() + b.events(), a.costUsd().add(b.costUsd())));
        }
        return new ArrayList<>(weeks.values());
    }

    /** One session of the window, as analysts list them. */
    public record Session(
            String sessionId,
            String userId,
            String teamId,
            String agents,
            long events,
            BigDecimal costUsd,
            Instant startedAt,
            Instant lastAt) {}

    /** The window's sessions, costliest first. */
    public List<Session> sessions(Window w, int top) throws SQLException {
        List<Session> out = new ArrayList<>();
        try (PreparedStatement s = prepare(
                        "SELECT session_id, min(user_id), min(team_id),"
                                + " string_agg(DISTINCT agent, ', ' ORDER BY agent), count(*), sum(total_cost_usd), min(occurred_at),"
                                + " max(occurred_at) FROM " + table + where() + " AND session_id IS NOT NULL GROUP BY 1"
                                + " ORDER BY 6 DESC, 1" + (top > 0 ? " LIMIT " + top : ""),
                        w,
                        List.of());
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Session(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getLong(5),
                        rs.getBigDecimal(6),
                        rs.getTimestamp(7).toInstant(),
                        rs.getTimestamp(8).toInstant()));
            }
        }
        return out;
    }

    /** One event of a session, in order. */
    public record SessionEvent(
            Instant at,
            String eventId,
            String agent,
            List<String> handoffChain,
            String model,
            long inputTokens,
            long outputTokens,
            BigDecimal costUsd,
            String status) {}

    /** Every event of one session (all time, not the window: a session is one story), in order. */
    public List<SessionEvent> sessionEvents(String sessionId) throws SQLException {
        List<SessionEvent> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT occurred_at, event_id, agent, handoff_chain,"
                + " coalesce(model_key, model, 'api:' || api_service), input_tokens, output_tokens, total_cost_usd, status"
                + " FROM " + table + " WHERE session_id = ? ORDER BY occurred_at, event_id")) {
            s.setString(1, sessionId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Array chain = rs.getArray(4);
                    out.add(new SessionEvent(
                            rs.getTimestamp(1).toInstant(),
                            rs.getString(2),
                            rs.getString(3),
                            chain == null ? List.of() : List.of((String[]) chain.getArray()),
                            rs.getString(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getBigDecimal(8),
                            rs.getString(9)));
                }
            }
        }
        return out;
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /**
     * Spend the catalog could not price as billed, in the window: models billed at the default price
     * (unknown to the catalog: {@code provider/model}), and calls served at a tier the catalog has
     * no prices for, priced at standard ({@code provider/model at flex (priced as standard)}).
     */
    public List<Line> unpriced(Window w, BigDecimal total) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement s = prepare(
                        "SELECT coalesce(provider, '?') || '/' || model || CASE WHEN cost_source = 'default'"
                                + " THEN '' ELSE ' at ' || service_tier || ' (priced as standard)' END, count(*), sum(total_cost_usd) FROM "
                                + table + where() + " AND (cost_source = 'default' OR cost_source = 'catalog'"
                                + " AND coalesce(service_tier, 'standard') <> coalesce(priced_service_tier, 'standard'))"
                                + " GROUP BY 1 ORDER BY 3 DESC, 1",
                        w,
                        List.of());
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                lines.add(new Line(
                        rs.getString(1), rs.getLong(2), rs.getBigDecimal(3), share(rs.getBigDecimal(3), total)));
            }
        }
        return lines;
    }

    /**
     * This calendar month's spend so far (under the filters), extrapolated to the whole month:
     * spend × days in the month / days begun. A straight line, not a forecast: it says where the
     * month ends if every remaining day costs what the average day so far cost.
     */
    public BigDecimal monthProjection(Instant now, ZoneId zone) throws SQLException {
        return projectMonth(totals(Window.named("this-month", zone, now)).costUsd(), now, zone);
    }

    /** {@code monthSoFar} extrapolated to the whole calendar month of {@code now} in {@code zone} (6 decimals). */
    public static BigDecimal projectMonth(BigDecimal monthSoFar, Instant now, ZoneId zone) {
        Window month = Window.named("this-month", zone, now);
        int days = YearMonth.from(now.atZone(zone)).lengthOfMonth();
        return monthSoFar
                .multiply(BigDecimal.valueOf(days))
                .divide(BigDecimal.valueOf(month.elapsedDays(now)), 6, RoundingMode.HALF_EVEN);
    }

    /** One agent's part of a workflow: its interactions, cost and share of the workflow's cost. */
    public record WorkflowAgent(String agent, long events, BigDecimal costUsd, BigDecimal sharePercent) {}

    /**
     * A multi-agent workflow: the chain of agents a session handed off along (its longest
     * {@code handoffChain} + agent, e.g. "Triage → TechnicalSupport"), summed over every session
     * with that chain, and each agent's share of it.
     */
    public record Workflow(
            String chain,
            long sessions,
            long events,
            BigDecimal costUsd,
            BigDecimal sharePercent,
            List<WorkflowAgent> agents) {}

    /**
     * The window's workflows, most expensive first: sessions with at least one handoff, grouped by
     * their chain. {@code total} is the base of the workflows' shares (usually the window's total).
     */
    public List<Workflow> workflows(Window w, int top, BigDecimal total) throws SQLException {
        String sql = "WITH e AS (SELECT session_id, agent, total_cost_usd,"
                + " array_append(coalesce(handoff_chain, '{}'::text[]), agent) AS path FROM " + table + where()
                + " AND session_id IS NOT NULL),"
                + " s AS (SELECT session_id, (array_agg(array_to_string(path, ' → ') ORDER BY cardinality(path) DESC,"
                + " array_to_string(path, ' → ')))[1] AS chain FROM e GROUP BY session_id HAVING max(cardinality(path)) > 1)"
                + " SELECT s.chain, e.agent, count(DISTINCT e.session_id), count(*), sum(e.total_cost_usd)"
                + " FROM e JOIN s USING (session_id) GROUP BY 1, 2";
        Map<String, List<Object[]>> byChain = new LinkedHashMap<>();
        try (PreparedStatement s = prepare(sql, w, List.of());
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                byChain.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Object[] {rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5)});
            }
        }
        List<Workflow> workflows = new ArrayList<>();
        byChain.forEach((chain, rows) -> {
            BigDecimal cost = rows.stream().map(r -> (BigDecimal) r[3]).reduce(BigDecimal.ZERO, BigDecimal::add);
            long events = rows.stream().mapToLong(r -> (Long) r[2]).sum();
            long sessions = rows.stream().mapToLong(r -> (Long) r[1]).max().orElse(0);
            List<WorkflowAgent> agents = rows.stream()
                    .map(r -> new WorkflowAgent(
                            (String) r[0], (Long) r[2], (BigDecimal) r[3], share((BigDecimal) r[3], cost)))
                    .sorted(Comparator.comparing(WorkflowAgent::costUsd)
                            .reversed()
                            .thenComparing(WorkflowAgent::agent))
                    .toList();
            workflows.add(new Workflow(chain, sessions, events, cost, share(cost, total), agents));
        });
        workflows.sort(Comparator.comparing(Workflow::costUsd).reversed().thenComparing(Workflow::chain));
        return top > 0 && workflows.size() > top ? List.copyOf(workflows.subList(0, top)) : workflows;
    }

    /** Spend of one scope column (null = everything) in the window, ignoring the report's filters. */
    public BigDecimal scopeSpend(Window w, String column, String id) throws SQLException {
        String sql = "SELECT coalesce(sum(total_cost_usd), 0) FROM " + table
                + " WHERE occurred_at >= ? AND occurred_at < ?" + (column == null ? "" : " AND " + column + " = ?");
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

    private Source source(Window w, GroupBy g) throws SQLException {
        if (rollupExists == null) {
            rollupExists = rollupExists(connection, table);
        }
        return rollupExists && rollupServes(w, g, filters.keySet()) ? Source.rollup(table) : Source.ROWS.of(table);
    }

    /** Whether the roll-up answers for this window, grouping and filters (it exists: see {@link #rollupExists}). */
    static boolean rollupServes(Window w, GroupBy g, Collection<String> filterColumns) {
        Instant from = w.from();
        Instant to = w.to();
        boolean aligned = from.getEpochSecond() % 3600 == 0
                && to.getEpochSecond() % 3600 == 0
                && from.getNano() == 0
                && to.getNano() == 0;
        return aligned && g != GroupBy.SESSION && g != GroupBy.HANDOFF && ROLLUP_FILTERS.containsAll(filterColumns);
    }

    static boolean rollupExists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table + "_hourly");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** {@code part} as a percentage of {@code total}, one decimal (0 when the total is 0). */
    public static BigDecimal share(BigDecimal part, BigDecimal total) {
        return total.signum() == 0 ? BigDecimal.ZERO : part.movePointRight(2).divide(total, 1, RoundingMode.HALF_EVEN);
    }

    private String where() {
        return where(Source.ROWS.of(table));
    }

    private String where(Source src) {
        return " WHERE " + src.time() + " >= ? AND " + src.time() + " < ?" + SqlFilters.clause(filters);
    }

    private PreparedStatement prepare(String sql, Window w, List<Object> head) throws SQLException {
        return prepare(sql, w, head, List.of());
    }

    /** Parameters: {@code head}, the window, the filters, then {@code tail}. */
    private PreparedStatement prepare(String sql, Window w, List<Object> head, List<Object> tail) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        int i = 1;
        for (Object o : head) {
            s.setObject(i++, o);
        }
        i = SqlFilters.bind(s, i, w, filters);
        for (Object o : tail) {
            s.setObject(i++, o);
        }
        return s;
    }
}
