package dev.agentmeter.dashboard.live;

import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Usd;
import java.math.BigDecimal;
import java.time.ZoneId;

/** One alert as the feed reads, the same whether it came from the topic or the alert table. */
public final class AlertText {

    private AlertText() {}

    /**
     * "user:alice DAY: $8.01 of $10.00 (80 % threshold)"; FORECAST alerts say where spend is heading,
     * RESOLVED ones that the threshold is no longer crossed. A field the record lacks shows as "?" or "–".
     */
    public static String line(BudgetAlert a, ZoneId zone) {
        String head = (a.scope() == null ? "?" : a.scope().toString()) + " "
                + (a.period() == null ? "?" : a.period().name()) + ": ";
        String money = usd(a.spendUsd()) + " of " + usd(a.limitUsd());
        AlertLevel level = a.level();
        if (level == AlertLevel.FORECAST) {
            return head + money + ", heading for " + usd(a.projectedUsd())
                    + (a.projectedCrossingAt() != null
                            ? ", limit reached about " + Html.time(a.projectedCrossingAt(), zone)
                            : "");
        }
        if (level == AlertLevel.RESOLVED) {
            return head + money + ": " + percent(a.threshold()) + " threshold no longer crossed (budget changed)";
        }
        return head + money + " (" + percent(a.threshold()) + " threshold)";
    }

    private static String usd(BigDecimal v) {
        return v == null ? "–" : Usd.human(v);
    }

    private static String percent(BigDecimal threshold) {
        return threshold == null ? "?" : Percent.ofFraction(threshold);
    }
}
