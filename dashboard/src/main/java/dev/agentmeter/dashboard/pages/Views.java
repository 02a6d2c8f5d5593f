package dev.agentmeter.dashboard.pages;

import dev.agentmeter.dashboard.live.AlertText;
import dev.agentmeter.dashboard.live.BudgetUse;
import dev.agentmeter.dashboard.live.LiveHub;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Usd;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** Pieces more than one page shows: figure cards, budget gauges, the alert feed. */
final class Views {

    private Views() {}

    /** A figure card; {@code live} names the field of the {@code spend} event that updates it (or null). */
    static String card(String label, BigDecimal usd, String live, String note) {
        return "<div class=\"card\"><dt>" + Html.esc(label) + "</dt><dd"
                + (live == null ? "" : " data-live=\"" + live + "\"")
                + (usd == null ? "" : " title=\"" + Usd.exact(usd) + "\"") + ">" + Html.usd(usd) + "</dd>"
                + (note == null ? "" : "<dd class=\"note\">" + Html.esc(note) + "</dd>") + "</div>\n";
    }

    static String countCard(String label, long n, String note) {
        return "<div class=\"card\"><dt>" + Html.esc(label) + "</dt><dd>" + Html.count(n) + "</dd>"
                + (note == null ? "" : "<dd class=\"note\">" + Html.esc(note) + "</dd>") + "</div>\n";
    }

    static String errors(long n) {
        return n == 1 ? "1 error" : Html.count(n) + " errors";
    }

    /** Where the live figures come from, when that is worth saying. */
    static String source(LiveHub.Snapshot s) {
        if (s.problem() == null) {
            return "";
        }
        return "<p class=\"notice\" role=\"note\">Live figures from " + Html.esc(s.source()) + ": "
                + Html.esc(s.problem()) + "</p>\n";
    }

    /** A gauge per budget limit: a meter, % used, level and spend of limit; live-updated by id. */
    static String gauges(List<BudgetUse> uses, int max) {
        if (uses.isEmpty()) {
            return "<p class=\"empty\">No budgets. Set one with <code>agentmeter budgets set user:alice --day 10</code>.</p>\n";
        }
        StringBuilder h = new StringBuilder("<ul class=\"gauges\">\n");
        uses.stream().limit(max).forEach(u -> {
            BigDecimal low =
                    u.thresholds().isEmpty() ? BigDecimal.ONE : u.thresholds().get(0);
            h.append("<li data-budget=\"")
                    .append(Html.esc(u.id()))
                    .append("\">")
                    .append("<span class=\"scope\">")
                    .append(Html.esc(u.scope()))
                    .append(" · ")
                    .append(u.period())
                    .append("</span>")
                    .append("<meter min=\"0\" max=\"1\" low=\"")
                    .append(low.toPlainString())
                    .append("\" high=\"0.9999\" optimum=\"0\" value=\"")
                    .append(u.usedRatio().min(BigDecimal.ONE).toPlainString())
                    .append("\" aria-label=\"")
                    .append(Html.esc(u.scope() + " " + u.period()))
                    .append(" budget used\">")
                    .append(u.usedPercent().toPlainString())
                    .append(" %</meter>")
                    .append("<span class=\"pct\" data-field=\"usedPercent\">")
                    .append(u.usedPercent().toPlainString())
                    .append(" %</span>")
                    .append("<span class=\"level level-")
                    .append(u.level())
                    .append("\" data-field=\"level\">")
                    .append(u.level())
                    .append("</span>")
                    .append("<span class=\"money\" data-field=\"text\" title=\"")
                    .append(Usd.exact(u.spendUsd()))
                    .append(" of ")
                    .append(Usd.exact(u.limitUsd()))
                    .append("\">")
                    .append(Html.usd(u.spendUsd()))
                    .append(" of ")
                    .append(Html.usd(u.limitUsd()))
                    .append("</span></li>\n");
        });
        h.append("</ul>\n");
        if (uses.size() > max) {
            h.append("<p><a href=\"/budgets\">All ").append(uses.size()).append(" budget limits</a></p>\n");
        }
        return h.toString();
    }

    /** The alert feed: newest first; new alerts are put on top by the page's script. */
    static String alertFeed(List<BudgetAlert> alerts, ZoneId zone) {
        StringBuilder h = new StringBuilder(
                "<ol id=\"alert-feed\" class=\"feed\" aria-live=\"polite\" aria-label=\"Budget alerts, newest first\">\n");
        for (BudgetAlert a : alerts) {
            h.append(alertItem(a, zone));
        }
        h.append("</ol>\n");
        if (alerts.isEmpty()) {
            h.append(
                    "<p class=\"empty\" id=\"alert-feed-empty\">No alerts yet. New ones appear here as they are raised.</p>\n");
        }
        return h.toString();
    }

    static String alertItem(BudgetAlert a, ZoneId zone) {
        String level = a.level() == null ? "?" : a.level().name();
        Instant raised = a.raisedAt();
        return "<li data-alert-id=\"" + Html.esc(String.valueOf(a.alertId())) + "\"><time datetime=\""
                + (raised == null ? "" : raised) + "\">" + Html.time(raised, zone)
                + "</time> <span class=\"level level-"
                + Html.esc(level) + "\">" + Html.esc(level) + "</span> " + Html.esc(AlertText.line(a, zone))
                + "</li>\n";
    }
}
