package dev.agentmeter.dashboard.pages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Usd;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.dashboard.web.Selection;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Costs: the CLI's periods and filters; one grouping (model, company, provider, agent, team,
 * user, task type) with tokens, cache savings, error rate and latency per group; daily and weekly
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
            ReportQueries.Totals totals = q.totals(w);
            page.html("<p class=\"window\">" + Html.esc(sel.describe(w)) + " (" + Html.time(w.from(), sel.zone()) + " to "
                    + Html.time(w.to(), sel.zone()) + ", " + Html.esc(sel.zone().getId()) + ")</p>\n<dl class=\"cards\">\n")
                    .html(Views.card("Total", totals.costUsd(), null, null))
                    .html(Views.countCard("Interactions", totals.events(), Views.errors(totals.errors())))
                    .html(Views.card("Per interaction", totals.averageUsd(), null, "average"))
                    .html(Views.card("Month-end projection", q.monthProjection(now, sel.zone()), null,
                            sel.filters().isEmpty() ? "this month, at its daily average" : "this month, these filters"))
                    .html("</dl>\n");

            GroupBy g = sel.groupBy();
            DataTable groups = new DataTable("by-" + g.cliName(), "Cost by " + g.cliName())
                    .text("key", g.cliName()).count("events", "Events").usd("costUsd", "Cost").percent("sharePercent", "Share")
                    .count("inputTokens", "Input tok.").count("outputTokens", "Output tok.")
                    .count("cacheReadTokens", "Cache reads").count("cacheWriteTokens", "Cache writes")
                    .count("reasoningTokens", "Reasoning").usd("cacheSavingsUsd", "Cache savings")
                    .percent("errorRatePercent", "Errors").count("latencyP50Ms", "p50 ms").count("latencyP95Ms", "p95 ms");
            List<ReportQueries.GroupStats> stats = q.groupStats(w, g, MAX_GROUPS, totals.costUsd());
            stats.forEach(s -> groups.row(s.key(), s.events(), s.costUsd(), s.sharePercent(), s.inputTokens(), s.outputTokens(),
                    s.cacheReadTokens(), s.cacheWriteTokens(), s.reasoningTokens(), s.cacheSavingsUsd(), s.errorRatePercent(),
                    s.latencyP50Ms(), s.latencyP95Ms()));
            page.table(groups);
            if (stats.size() == MAX_GROUPS) {
                page.html("<p class=\"hint\">The " + MAX_GROUPS + " costliest groups; narrow with a filter for the rest.</p>\n");
            }

            page.html("<section aria-labelledby=\"h-trend\"><h2 id=\"h-trend\">Trend</h2>\n<div class=\"columns\">\n");
            trend(page, "daily", "Cost per day", q.trend(w, false, now));
            trend(page, "weekly", "Cost per week (Monday first)", q.trend(w, true, now));
            page.html("</div>\n</section>\n");
        }
        return page;
    }

    private void trend(Page page, String name, String label, List<ReportQueries.TrendPoint> points) {
        ArrayNode x = JsonNodeFactory.instance.arrayNode();
        ArrayNode y = JsonNodeFactory.instance.arrayNode();
        ArrayNode text = JsonNodeFactory.instance.arrayNode();
        DataTable t = new DataTable(name, label).text("start", name.equals("daily") ? "Day" : "Week of")
                .count("events", "Events").usd("costUsd", "Cost");
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
        page.html("<div>\n").chart("chart-" + name, label, series.toString())
                .html("<details><summary>" + Html.esc(label) + " as a table</summary>\n").table(t).html("</details>\n</div>\n");
    }
}
