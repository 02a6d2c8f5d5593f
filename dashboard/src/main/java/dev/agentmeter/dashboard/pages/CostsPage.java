package dev.agentmeter.dashboard.pages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.dashboard.web.Selection;
import dev.agentmeter.model.Usd;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Costs: the CLI's periods and filters; one grouping (model, company, provider, agent, team,
 * user, task type) with tokens, cache savings and error rate per group; daily and weekly
 * trends as charts and tables.
 */
public final class CostsPage {

    static final int MAX_GROUPS = 200;

    private final PageContext pc;

    public CostsPage(PageContext pc) {
        this.pc = pc;
    }

    public Page render(Context ctx) throws SQLException {
        Instant now = Instant.now();
        Selection sel = Selection.of(ctx, "last-7-days", pc.zone(), GroupBy.MODEL);
        Window w = sel.window(now);
        Page page = new Page("Costs", "/costs", sel.zone(), sel.query(true));
        page.html(sel.form("/costs", Selection.GROUPINGS, null));
        try (Connection c = pc.db().connection()) {
            ReportQueries q = new ReportQueries(c, pc.usageTable(), sel.filters());
            GroupBy g = sel.groupBy();
            // The days on a second connection while this one reads the groups: each is a scan of the
            // window's rows, and PostgreSQL runs one query's aggregation on one core here. (One scan
            // with GROUPING SETS was slower: it does not aggregate in parallel.)
            CompletableFuture<List<ReportQueries.TrendPoint>> daily = CompletableFuture.supplyAsync(
                    () -> {
                        try (Connection second = pc.db().connection()) {
                            return new ReportQueries(second, pc.usageTable(), sel.filters()).daily(w, now);
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    },
                    pc.queries());
            List<ReportQueries.GroupStats> all = q.groupStats(w, g, 0, BigDecimal.ZERO, false);
            ReportQueries.Totals totals = new ReportQueries.Totals(
                    all.stream().map(ReportQueries.GroupStats::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add),
                    all.stream().mapToLong(ReportQueries.GroupStats::events).sum(),
                    all.stream().mapToLong(ReportQueries.GroupStats::errors).sum());
            all = ReportQueries.withShares(all, totals.costUsd());
            List<ReportQueries.GroupStats> stats = all.size() > MAX_GROUPS ? all.subList(0, MAX_GROUPS) : all;
            boolean thisMonth = sel.from() == null && "this-month".equals(sel.period());
            BigDecimal projection = thisMonth
                    ? ReportQueries.projectMonth(totals.costUsd(), now, sel.zone())
                    : q.monthProjection(now, sel.zone());
            page.html("<p class=\"window\">" + Html.esc(sel.describe(w)) + " (" + Html.time(w.from(), sel.zone())
                            + " to " + Html.time(w.to(), sel.zone()) + ", "
                            + Html.esc(sel.zone().getId()) + ")</p>\n<dl class=\"cards\">\n")
                    .html(Views.card("Total", totals.costUsd(), null, null))
                    .html(Views.countCard("Interactions", totals.events(), Views.errors(totals.errors())))
                    .html(Views.card("Per interaction", totals.averageUsd(), null, "average"))
                    .html(Views.card(
                            "Month-end projection",
                            projection,
                            null,
                            sel.filters().isEmpty() ? "this month, at its daily average" : "this month, these filters"))
                    .html("</dl>\n");

            DataTable groups = new DataTable("by-" + g.cliName(), "Cost by " + g.cliName())
                    .text("key", g.cliName())
                    .count("events", "Events")
                    .usd("costUsd", "Cost")
                    .percent("sharePercent", "Share")
                    .count("inputTokens", "Input tok.")
                    .count("outputTokens", "Output tok.")
                    .count("cacheReadTokens", "Cache reads")
                    .count("cacheWriteTokens", "Cache writes")
                    .count("reasoningTokens", "Reasoning")
                    .usd("cacheSavingsUsd", "Cache savings")
                    .percent("errorRatePercent", "Errors");
            stats.forEach(s -> groups.row(
                    s.key(),
                    s.events(),
                    s.costUsd(),
                    s.sharePercent(),
                    s.inputTokens(),
                    s.outputTokens(),
                    s.cacheReadTokens(),
                    s.cacheWriteTokens(),
                    s.reasoningTokens(),
                    s.cacheSavingsUsd(),
                    s.errorRatePercent()));
            page.table(groups);
            if (all.size() > MAX_GROUPS) {
                page.html("<p class=\"hint\">The " + MAX_GROUPS + " costliest of " + all.size()
                        + " groups (the CSV and JSON hold these too); narrow with a filter for the rest.</p>\n");
            }

            List<ReportQueries.TrendPoint> days = days(daily);
            page.html("<section aria-labelledby=\"h-trend\"><h2 id=\"h-trend\">Trend</h2>\n<div class=\"columns\">\n");
            trend(page, "daily", "Cost per day", days);
            trend(page, "weekly", "Cost per week (Monday first)", ReportQueries.weekly(days));
            page.html("</div>\n</section>\n");
        }
        return page;
    }

    private static List<ReportQueries.TrendPoint> days(CompletableFuture<List<ReportQueries.TrendPoint>> daily)
            throws SQLException {
        try {
            return daily.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    private void trend(Page page, String name, String label, List<ReportQueries.TrendPoint> points) {
        ArrayNode x = JsonNodeFactory.instance.arrayNode();
        ArrayNode y = JsonNodeFactory.instance.arrayNode();
        ArrayNode text = JsonNodeFactory.instance.arrayNode();
        DataTable t = new DataTable(name, label)
                .text("start", name.equals("daily") ? "Day" : "Week of")
                .count("events", "Events")
                .usd("costUsd", "Cost");
        for (ReportQueries.TrendPoint p : points) {
            x.add(p.start().toString());
            y.add(p.costUsd().toPlainString()); // drawn as a number by the chart; the table has the exact figure
            text.add(Usd.human(p.costUsd()));
            t.row(p.start().toString(), p.events(), p.costUsd());
        }
        ObjectNode series = JsonNodeFactory.instance.objectNode();
        series.set("x", x);
        series.set("y", y);
        series.set("text", text);
        page.html("<div>\n")
                .chart("chart-" + name, label, series.toString())
                .html("<details><summary>" + Html.esc(label) + " as a table</summary>\n")
                .table(t)
                .html("</details>\n</div>\n");
    }
}
