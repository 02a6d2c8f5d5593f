package dev.agentmeter.cli.report;

import static dev.agentmeter.analytics.Csv.field;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.OutputOptions;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Spend reports from Postgres: a default overview, or one grouping, as a table, JSON or CSV. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Spend report from Postgres.")
public final class ReportCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Mixin
    ReportOptions scope;

    @Option(
            names = {"--group-by", "--breakdown"},
            paramLabel = "DIMENSION",
            description =
                    "model, company, provider, agent, user, team, task-type, service-tier, session, handoff (workflows), day, week or month.")
    String groupBy;

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "10",
            description = "Rows per grouping (0 = all; default ${DEFAULT-VALUE}).")
    int top;

    @Option(
            names = "--top-models",
            paramLabel = "N",
            arity = "0..1",
            fallbackValue = "10",
            description = "The N most expensive models (default 10): --group-by model --top N.")
    Integer topModels;

    @Mixin
    OutputOptions format;

    private OutputOptions.Output output;

    @Option(names = "--skip-budgets", description = "Do not read budgets from Kafka (report from Postgres alone).")
    boolean skipBudgets;

    @Option(names = "--model", description = "Only this model (model name or catalog key).")
    String model;

    @Override
    public void run() {
        Instant now = Instant.now();
        Window window = scope.window(now);
        output = format.format();
        if (topModels != null) {
            if (groupBy != null && !groupBy.equals("model")) {
                throw new ParameterException(
                        spec.commandLine(), "--top-models groups by model; drop --group-by " + groupBy);
            }
            groupBy = "model";
            top = topModels;
        }
        GroupBy grouping = null;
        if (groupBy != null) {
            try {
                grouping = GroupBy.parse(groupBy);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top must be 0 (all) or more, not " + top);
        }
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            ReportQueries q = new ReportQueries(c, scope.table, filters());
            PrintWriter out = spec.commandLine().getOut();
            if (grouping == GroupBy.HANDOFF) {
                ReportQueries.Totals totals = q.totals(window);
                printWorkflows(out, window, q.workflows(window, top, totals.costUsd()), totals);
            } else if (grouping != null) {
                ReportQueries.Totals totals = q.totals(window);
                printGrouping(
                        out, window, grouping, q.groupStats(window, grouping, top, totals.costUsd(), true), totals);
            } else {
                printOverview(out, q, window, now);
            }
            out.flush();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot query Postgres at " + endpoints.pgUrl.replaceAll("password=[^&]*", "password=***") + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private Map<String, String> filters() {
        return scope.filters(model);
    }

    private static final String STATS_CSV =
            "events,cost_usd,share_percent,input_tokens,output_tokens,cache_read_tokens,"
                    + "cache_write_tokens,reasoning_tokens,cache_savings_usd,error_rate_percent,latency_p50_ms,latency_p95_ms";

    private void printGrouping(
            PrintWriter out, Window w, GroupBy g, List<ReportQueries.GroupStats> groups, ReportQueries.Totals totals) {
        switch (output) {
            case json -> {
                ObjectNode root = header(w, totals);
                ArrayNode array = root.putArray("by" + capitalise(g.cliName()));
                groups.forEach(l -> {
                    ObjectNode o = array.addObject()
                            .put("key", l.key())
                            .put("events", l.events())
                            .put("costUsd", l.costUsd().toPlainString())
                            .put("sharePercent", l.sharePercent().toPlainString());
                    o.putObject("tokens")
                            .put("input", l.inputTokens())
                            .put("output", l.outputTokens())
                            .put("cacheRead", l.cacheReadTokens())
                            .put("cacheWrite", l.cacheWriteTokens())
                            .put("reasoning", l.reasoningTokens());
                    o.put("cacheSavingsUsd", l.cacheSavingsUsd().toPlainString());
                    o.put("errorRatePercent", l.errorRatePercent().toPlainString());
                    o.put("latencyP50Ms", l.latencyP50Ms());
                    o.put("latencyP95Ms", l.latencyP95Ms());
                });
                out.println(root.toPrettyString());
            }
            case csv -> {
                out.println(g.cliName() + "," + STATS_CSV);
                groups.forEach(l -> out.println(field(l.key()) + "," + l.events() + ","
                        + l.costUsd().toPlainString() + ","
                        + l.sharePercent().toPlainString() + "," + l.inputTokens() + "," + l.outputTokens() + ","
                        + l.cacheReadTokens() + "," + l.cacheWriteTokens() + "," + l.reasoningTokens() + ","
                        + l.cacheSavingsUsd().toPlainString() + ","
                        + l.errorRatePercent().toPlainString() + ","
                        + nullable(l.latencyP50Ms()) + "," + nullable(l.latencyP95Ms())));
            }
            case table -> {
                out.printf("agentmeter report · %s · by %s%n", describe(w), g.cliName());
                out.printf(
                        "%-32s %7s %12s %6s %10s %10s %10s %11s %7s %9s %9s%n",
                        g.cliName(),
                        "events",
                        "cost",
                        "share",
                        "input tok",
                        "output tok",
                        "cache read",
                        "cache saved",
                        "errors",
                        "p50",
                        "p95");
                if (groups.isEmpty()) {
                    out.println("  (no usage)");
                }
                groups.forEach(l -> out.printf(
                        "%-32s %7d %12s %6s %10s %10s %10s %11s %7s %9s %9s%n",
                        truncate(l.key(), 32),
                        l.events(),
                        Usd.human(l.costUsd()),
                        Percent.cell(l.sharePercent()),
                        count(l.inputTokens()),
                        count(l.outputTokens()),
                        count(l.cacheReadTokens()),
                        Usd.human(l.cacheSavingsUsd()),
                        Percent.cell(l.errorRatePercent()),
                        millis(l.latencyP50Ms()),
                        millis(l.latencyP95Ms())));
                out.printf("%-32s %7d %12s%n", "total", totals.events(), Usd.human(totals.costUsd()));
            }
        }
    }

    private void printWorkflows(
            PrintWriter out, Window w, List<ReportQueries.Workflow> workflows, ReportQueries.Totals totals) {
        switch (output) {
            case json -> {
                ObjectNode root = header(w, totals);
                ArrayNode array = root.putArray("byHandoff");
                workflows.forEach(f -> {
                    ObjectNode o = array.addObject()
                            .put("chain", f.chain())
                            .put("sessions", f.sessions())
                            .put("events", f.events())
                            .put("costUsd", f.costUsd().toPlainString())
                            .put("sharePercent", f.sharePercent().toPlainString());
                    ArrayNode agents = o.putArray("agents");
                    f.agents()
                            .forEach(a -> agents.addObject()
                                    .put("agent", a.agent())
                                    .put("events", a.events())
                                    .put("costUsd", a.costUsd().toPlainString())
                                    .put("sharePercent", a.sharePercent().toPlainString()));
                });
                out.println(root.toPrettyString());
            }
            case csv -> {
                out.println(
                        "chain,sessions,chain_events,chain_cost_usd,chain_share_percent,agent,agent_events,agent_cost_usd,agent_share_percent");
                workflows.forEach(f -> f.agents()
                        .forEach(a -> out.println(field(f.chain()) + "," + f.sessions() + "," + f.events() + ","
                                + f.costUsd().toPlainString() + ","
                                + f.sharePercent().toPlainString() + "," + field(a.agent()) + ","
                                + a.events() + "," + a.costUsd().toPlainString() + ","
                                + a.sharePercent().toPlainString())));
            }
            case table -> {
                out.printf("agentmeter report · %s · workflows (handoff chains)%n", describe(w));
                if (workflows.isEmpty()) {
                    out.println("  (no session handed off between agents)");
                }
                workflows.forEach(f -> {
                    out.printf(
                            "%s: %s, %d session%s, %d event%s, %s of all spend%n",
                            f.chain(),
                            Usd.human(f.costUsd()),
                            f.sessions(),
                            f.sessions() == 1 ? "" : "s",
                            f.events(),
                            f.events() == 1 ? "" : "s",
                            Percent.human(f.sharePercent()));
                    f.agents()
                            .forEach(a -> out.printf(
                                    "    %-30s %s  %s  (%d event%s)%n",
                                    a.agent(),
                                    Percent.human(a.sharePercent()),
                                    Usd.human(a.costUsd()),
                                    a.events(),
                                    a.events() == 1 ? "" : "s"));
                });
            }
        }
    }

    private static String nullable(Long value) {
        return value == null ? "" : value.toString();
    }

    private static String millis(Long value) {
        return value == null
                ? "–"
                : value < 1000
                        ? value + " ms"
                        : BigDecimal.valueOf(value, 3).setScale(1, RoundingMode.HALF_EVEN) + " s";
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private void printOverview(PrintWriter out, ReportQueries q, Window w, Instant now) throws SQLException {
        ReportQueries.Totals totals = q.totals(w);
        BigDecimal daily = totals.costUsd().divide(BigDecimal.valueOf(w.elapsedDays(now)), 6, RoundingMode.HALF_EVEN);
        BigDecimal weekly = daily.multiply(BigDecimal.valueOf(7));
        BigDecimal projection = q.monthProjection(now, scope.zone);
        List<ReportQueries.Line> byModel = q.groupBy(w, GroupBy.MODEL, top, totals.costUsd());
        List<ReportQueries.Line> byCompany = q.groupBy(w, GroupBy.COMPANY, top, totals.costUsd());
        List<ReportQueries.Line> byTask = q.groupBy(w, GroupBy.TASK_TYPE, top, totals.costUsd());
        List<ReportQueries.Line> unpriced = q.unpriced(w, totals.costUsd());
        List<String[]> budgets = budgetUse(q, now);

        switch (output) {
            case json -> {
                ObjectNode root = header(w, totals);
                root.put("dailyAverageUsd", daily.toPlainString());
                root.put("weeklyAverageUsd", weekly.toPlainString());
                root.put("monthProjectionUsd", projection.toPlainString());
                root.set("byModel", lines(byModel));
                root.set("byCompany", lines(byCompany));
                root.set("byTaskType", lines(byTask));
                ArrayNode b = root.putArray("budgets");
                budgets.forEach(r -> b.addObject()
                        .put("scope", r[0])
                        .put("period", r[1])
                        .put("spendUsd", r[2])
                        .put("limitUsd", r[3])
                        .put("usedPercent", r[4]));
                root.set("unpricedModels", lines(unpriced));
                out.println(root.toPrettyString());
            }
            case csv -> {
                out.println("section,key,events,cost_usd,share_percent");
                out.println(
                        "total,all," + totals.events() + "," + totals.costUsd().toPlainString() + ",100");
                csvSection(out, "model", byModel);
                csvSection(out, "company", byCompany);
                csvSection(out, "task-type", byTask);
                csvSection(out, "unpriced", unpriced);
            }
            case table -> {
                out.printf("agentmeter report · %s%n%n", describe(w));
                out.printf("  total cost           %s%n", Usd.human(totals.costUsd()));
                out.printf("  interactions         %d (%d errors)%n", totals.events(), totals.errors());
                out.printf("  average/interaction  %s%n", Usd.human(totals.averageUsd()));
                out.printf("  daily average        %s%n", Usd.human(daily));
                out.printf("  weekly average       %s%n", Usd.human(weekly));
                out.printf("  month projection     %s  (this month so far, extrapolated)%n%n", Usd.human(projection));
                table(out, "model", byModel);
                out.println();
                table(out, "company", byCompany);
                out.println();
                table(out, "task type", byTask);
                out.println();
                if (budgets.isEmpty()) {
                    out.println("budgets: none with DAY or MONTH limits");
                } else {
                    out.printf("%-28s %-6s %14s %12s %8s%n", "budget", "period", "spend", "limit", "used");
                    budgets.forEach(r -> out.printf(
                            "%-28s %-6s %14s %12s %7s%%%n",
                            r[0], r[1], Usd.human(new BigDecimal(r[2])), Usd.human(new BigDecimal(r[3])), r[4]));
                }
                out.println();
                if (unpriced.isEmpty()) {
                    out.println("unpriced models: none");
                } else {
                    table(out, "unpriced model (default price)", unpriced);
                }
            }
        }
    }

    /** Budget use in % for each budget's DAY and MONTH limits; empty (with a note) when Kafka is away. */
    private List<String[]> budgetUse(ReportQueries q, Instant now) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        if (skipBudgets) {
            return rows;
        }
        Map<String, byte[]> budgets;
        try {
            budgets = KafkaIo.readCompacted(endpoints.kafka, Topics.BUDGETS);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("note: budgets not shown (" + e.getMessage() + ")");
            return rows;
        }
        for (byte[] value : budgets.values()) {
            Budget budget = ContractJson.fromBytes(value, Budget.class);
            String column = switch (budget.scope().type()) {
                case GLOBAL -> null;
                case TEAM -> "team_id";
                case AGENT -> "agent";
                case USER -> "user_id";
                case SESSION -> "session_id";
            };
            for (Period period : List.of(Period.DAY, Period.MONTH)) {
                BigDecimal limit = budget.limits().get(period);
                if (limit == null) {
                    continue;
                }
                Window w = Window.named(period == Period.DAY ? "today" : "this-month", scope.zone, now);
                BigDecimal spend = q.scopeSpend(w, column, budget.scope().id());
                rows.add(new String[] {
                    budget.scope().toString(),
                    period.name(),
                    spend.toPlainString(),
                    limit.toPlainString(),
                    ReportQueries.share(spend, limit).toPlainString()
                });
            }
        }
        return rows;
    }

    private String describe(Window w) {
        LocalDate first = w.from().atZone(w.zone()).toLocalDate();
        LocalDate last = w.to().minusNanos(1).atZone(w.zone()).toLocalDate();
        String f = filters().isEmpty() ? "" : " · " + filters();
        return w.label() + " (" + first + " .. " + last + ", " + w.zone().getId() + ")" + f;
    }

    private static void table(PrintWriter out, String title, List<ReportQueries.Line> lines) {
        out.printf("%-40s %8s %16s %7s%n", title, "events", "cost", "share");
        if (lines.isEmpty()) {
            out.println("  (no usage)");
        }
        lines.forEach(l -> out.printf(
                "%-40s %8d %16s %7s%n",
                truncate(l.key(), 40), l.events(), Usd.human(l.costUsd()), Percent.cell(l.sharePercent())));
    }

    private ObjectNode header(Window w, ReportQueries.Totals totals) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        root.putObject("window")
                .put("from", w.from().toString())
                .put("to", w.to().toString())
                .put("zone", w.zone().getId());
        root.put("totalCostUsd", totals.costUsd().toPlainString());
        root.put("interactions", totals.events());
        root.put("errors", totals.errors());
        root.put("averagePerInteractionUsd", totals.averageUsd().toPlainString());
        return root;
    }

    private static ArrayNode lines(List<ReportQueries.Line> lines) {
        ArrayNode array = ContractJson.mapper().createArrayNode();
        lines.forEach(l -> array.addObject()
                .put("key", l.key())
                .put("events", l.events())
                .put("costUsd", l.costUsd().toPlainString())
                .put("sharePercent", l.sharePercent().toPlainString()));
        return array;
    }

    private static void csvSection(PrintWriter out, String section, List<ReportQueries.Line> lines) {
        lines.forEach(l -> out.println(section + "," + field(l.key()) + "," + l.events() + ","
                + l.costUsd().toPlainString() + "," + l.sharePercent().toPlainString()));
    }

    private static String truncate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }

    private static String capitalise(String s) {
        StringBuilder b = new StringBuilder();
        boolean up = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
