package dev.agentmeter.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/** The bodies the targets take, from one BudgetAlert. */
final class Payloads {

    static final String ALERTNAME = "AgentmeterBudget";
    static final String FORECAST_ALERTNAME = "AgentmeterBudgetForecast";

    private Payloads() {}

    /**
     * Alertmanager's {@code POST /api/v2/alerts} body (one alert). The labels identify the alert:
     * a RESOLVED alert carries the labels of the alert it ends (the level that threshold fired at)
     * and {@code endsAt} now; any other ends with its window, so Alertmanager resolves it by itself
     * when the window is over.
     */
    static byte[] alertmanager(BudgetAlert a, String dashboardUrl, Instant now) {
        ArrayNode body = ContractJson.mapper().createArrayNode();
        ObjectNode alert = body.addObject();
        boolean forecast = a.level() == AlertLevel.FORECAST;
        boolean resolved = a.level() == AlertLevel.RESOLVED;
        ObjectNode labels = alert.putObject("labels");
        labels.put("alertname", forecast ? FORECAST_ALERTNAME : ALERTNAME);
        labels.put("scope", a.scope().toString());
        labels.put("scope_type", a.scope().type().name().toLowerCase(Locale.ROOT));
        labels.put("period", a.period().name());
        labels.put("window_start", a.windowStart().toString());
        labels.put(
                "level",
                resolved
                        ? AlertLevel.forThreshold(a.threshold()).name()
                        : a.level().name());
        if (!forecast) {
            labels.put("threshold", a.threshold().toPlainString());
        }
        ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", summary(a));
        annotations.put("spend_usd", a.spendUsd().toPlainString());
        annotations.put("limit_usd", a.limitUsd().toPlainString());
        annotations.put("window", a.windowStart() + " – " + a.windowEnd());
        annotations.put("alert_id", a.alertId());
        if (a.projectedUsd() != null) {
            annotations.put("projected_usd", a.projectedUsd().toPlainString());
        }
        String link = link(a, dashboardUrl);
        if (link != null) {
            annotations.put("dashboard", link);
            alert.put("generatorURL", link);
        }
        alert.put("startsAt", a.raisedAt().toString());
        alert.put("endsAt", (resolved ? now : a.windowEnd()).toString());
        return ContractJson.toBytes(body);
    }

    /** A Slack incoming-webhook message: {@code text} for people, and the alert's fields for bots. */
    static byte[] slack(BudgetAlert a, String dashboardUrl) {
        ObjectNode body = ContractJson.mapper().createObjectNode();
        String link = link(a, dashboardUrl);
        body.put("text", emoji(a.level()) + " " + summary(a) + (link == null ? "" : " <" + link + "|open>"));
        body.set("alert", ContractJson.mapper().valueToTree(a));
        return ContractJson.toBytes(body);
    }

    /** The generic webhook's body: the BudgetAlert as the contract writes it. */
    static byte[] json(BudgetAlert a) {
        return ContractJson.toBytes(a);
    }

    static String summary(BudgetAlert a) {
        String pct = Percent.human(Percent.of(a.spendUsd(), a.limitUsd(), 1));
        return switch (a.level()) {
            case FORECAST ->
                a.scope() + " is on course for $" + money(a.projectedUsd()) + " this "
                        + a.period().name().toLowerCase(Locale.ROOT) + " against a $" + money(a.limitUsd()) + " budget";
            case RESOLVED ->
                a.scope() + " is back under "
                        + Percent.ofFraction(a.threshold()) + " of its "
                        + a.period().name().toLowerCase(Locale.ROOT) + " budget ($"
                        + money(a.spendUsd()) + " of $" + money(a.limitUsd()) + ")";
            default ->
                a.scope() + " spent $" + money(a.spendUsd()) + " of its $" + money(a.limitUsd()) + " "
                        + a.period().name().toLowerCase(Locale.ROOT) + " budget (" + pct + ")";
        };
    }

    private static String money(BigDecimal usd) {
        return usd == null ? "?" : usd.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String emoji(AlertLevel level) {
        return switch (level) {
            case EXCEEDED -> ":rotating_light:";
            case WARNING -> ":warning:";
            case FORECAST -> ":crystal_ball:";
            case RESOLVED -> ":white_check_mark:";
        };
    }

    private static String link(BudgetAlert a, String dashboardUrl) {
        if (dashboardUrl == null || dashboardUrl.isBlank()) {
            return null;
        }
        return dashboardUrl.replaceAll("/+$", "") + "/budgets?scope="
                + URLEncoder.encode(a.scope().toString(), StandardCharsets.UTF_8);
    }
}
