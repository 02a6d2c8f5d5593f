package dev.agentmeter.dashboard.pages;

import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.live.LiveHub;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Overview: today and this month (live), the month-end projection, a gauge per budget, the live
 * alert feed, today's top spenders and this month's unpriced models.
 */
public final class OverviewPage {

    static final int GAUGES = 12;
    static final int TOP = 5;

    private final PageContext pc;

    public OverviewPage(PageContext pc) {
        this.pc = pc;
    }

    public Page render() throws SQLException {
        Instant now = Instant.now();
        LiveHub.Snapshot live = pc.live().snapshot();
        Page page = new Page("Overview", "/", pc.zone(), "");
        page.html(Views.source(live));
        try (Connection c = pc.db().connection()) {
            ReportQueries q = new ReportQueries(c, pc.usageTable(), Map.of());
            Window today = Window.named("today", pc.zone(), now);
            Window month = Window.named("this-month", pc.zone(), now);
            ReportQueries.Totals todayTotals = q.totals(today);
            page.html("<section aria-labelledby=\"h-spend\"><h2 id=\"h-spend\">Spend</h2>\n<dl class=\"cards\">\n")
                    .html(Views.card(
                            "Today", live.todayUsd(), "today", pc.zone().getId()))
                    .html(Views.card("This month", live.monthUsd(), "month", month.label()))
                    .html(Views.card(
                            "Month-end projection",
                            live.projectionUsd(),
                            "projection",
                            "at this month's daily average"))
                    .html(Views.countCard(
                            "Interactions today", todayTotals.events(), Views.errors(todayTotals.errors())))
                    .html("</dl>\n</section>\n");

            page.html(
                            "<div class=\"columns\">\n<section aria-labelledby=\"h-budgets\"><h2 id=\"h-budgets\">Budgets</h2>\n")
                    .html(Views.gauges(live.budgets(), GAUGES))
                    .html("</section>\n");
            page.html("<section aria-labelledby=\"h-alerts\"><h2 id=\"h-alerts\">Alerts</h2>\n")
                    .html(Views.alertFeed(pc.latestAlerts(c, 20), pc.zone()))
                    .html("</section>\n</div>\n");

            page.html(
                    "<section aria-labelledby=\"h-top\"><h2 id=\"h-top\">Top spenders today</h2>\n<div class=\"columns three\">\n");
            for (GroupBy g : List.of(GroupBy.AGENT, GroupBy.USER, GroupBy.TEAM)) {
                DataTable t = new DataTable("top-" + g.cliName(), "By " + g.cliName())
                        .text(g.cliName(), g.cliName())
                        .count("events", "Events")
                        .usd("costUsd", "Cost")
                        .percent("sharePercent", "Share")
                        .whenEmpty("No usage today.");
                q.groupBy(today, g, TOP, todayTotals.costUsd())
                        .forEach(l -> t.row(l.key(), l.events(), l.costUsd(), l.sharePercent()));
                page.table(t);
            }
            page.html("</div>\n</section>\n");

            ReportQueries.Totals monthTotals = q.totals(month);
            DataTable unpriced = new DataTable(
                            "unpriced", "Models billed at the default price this month (not in the catalog)")
                    .text("model", "Provider/model")
                    .count("events", "Events")
                    .usd("costUsd", "Cost")
                    .percent("sharePercent", "Share of month")
                    .whenEmpty("Every model used this month has a catalog price.");
            q.unpriced(month, monthTotals.costUsd())
                    .forEach(l -> unpriced.row(l.key(), l.events(), l.costUsd(), l.sharePercent()));
            page.html("<section aria-labelledby=\"h-unpriced\"><h2 id=\"h-unpriced\">Unpriced models</h2>\n")
                    .table(unpriced)
                    .html("<p class=\"hint\">Add a price: <code>agentmeter prices set MODEL --input … --output …</code>"
                            + " (takes effect for events priced after it).</p>\n</section>\n");
        }
        return page;
    }
}
