package dev.agentmeter.dashboard.pages;

import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.live.BudgetUse;
import dev.agentmeter.dashboard.live.LiveHub;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.dashboard.web.Selection;
import dev.agentmeter.model.BudgetAlert;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Budgets and alerts: every budget limit with its live spend, use and level; the live feed; the
 * alert history of a window, every level the processor raises (forecast and resolved included).
 */
public final class BudgetsPage {

    static final int MAX_ALERTS = 500;

    private final PageContext pc;

    public BudgetsPage(PageContext pc) {
        this.pc = pc;
    }

    public Page render(Context ctx) throws SQLException {
        Instant now = Instant.now();
        Selection sel = Selection.of(ctx, "last-30-days", pc.zone(), null);
        Window w = sel.window(now);
        LiveHub.Snapshot live = pc.live().snapshot();
        Page page = new Page("Budgets & alerts", "/budgets", sel.zone(), sel.query(false));
        page.html(Views.source(live));
        if (pc.follower() == null) {
            page.html(
                    "<p class=\"notice\" role=\"note\">No Kafka configured (bootstrap.servers): budgets cannot be listed,"
                            + " alerts come from Postgres only.</p>\n");
        } else {
            pc.follower()
                    .problems()
                    .values()
                    .forEach(p -> page.html("<p class=\"notice\" role=\"note\">" + Html.esc(p) + "</p>\n"));
        }
        page.html("<section aria-labelledby=\"h-use\"><h2 id=\"h-use\">Budgets now</h2>\n")
                .html(Views.gauges(live.budgets(), Integer.MAX_VALUE));
        DataTable budgets = new DataTable("budgets", "Every budget limit, most used first")
                .text("scope", "Scope")
                .text("period", "Period")
                .usd("spendUsd", "Spend")
                .usd("limitUsd", "Limit")
                .percent("usedPercent", "Used")
                .text("level", "Level")
                .text("thresholds", "Thresholds")
                .instant("windowEnd", "Window ends")
                .whenEmpty("No budgets.");
        for (BudgetUse u : live.budgets()) {
            budgets.row(
                    u.scope(),
                    u.period().name(),
                    u.spendUsd(),
                    u.limitUsd(),
                    u.usedPercent(),
                    u.level(),
                    u.thresholds().stream().map(BigDecimal::toPlainString).collect(Collectors.joining(", ")),
                    u.windowEnd());
        }
        page.table(budgets).html("</section>\n");

        try (Connection c = pc.db().connection()) {
            page.html("<section aria-labelledby=\"h-feed\"><h2 id=\"h-feed\">Live alerts</h2>\n")
                    .html(Views.alertFeed(pc.latestAlerts(c, 20), pc.zone()))
                    .html("</section>\n");

            page.html("<section aria-labelledby=\"h-history\"><h2 id=\"h-history\">Alert history</h2>\n")
                    .html(sel.form("/budgets", List.of(), null, false));
            List<BudgetAlert> alerts = pc.storedAlerts(c, w.from(), w.to(), MAX_ALERTS);
            DataTable history = new DataTable("alerts", "Alerts raised " + w.label() + ", newest first")
                    .instant("raisedAt", "Raised")
                    .text("level", "Level")
                    .text("scope", "Scope")
                    .text("period", "Period")
                    .percent("thresholdPercent", "Threshold")
                    .usd("spendUsd", "Spend")
                    .usd("limitUsd", "Limit")
                    .usd("projectedUsd", "Projected")
                    .instant("windowStart", "Window")
                    .text("alertId", "Alert id")
                    .whenEmpty("No alerts in this window.");
            for (BudgetAlert a : alerts) {
                history.row(
                        a.raisedAt(),
                        a.level().name(),
                        a.scope().toString(),
                        a.period().name(),
                        a.threshold().movePointRight(2).stripTrailingZeros(),
                        a.spendUsd(),
                        a.limitUsd(),
                        a.projectedUsd(),
                        a.windowStart(),
                        a.alertId());
            }
            page.table(history);
            if (alerts.size() == MAX_ALERTS) {
                page.html(
                        "<p class=\"hint\">The latest " + MAX_ALERTS + "; choose a shorter window for the rest.</p>\n");
            }
            page.html("</section>\n");
        }
        return page;
    }
}
