package dev.agentmeter.dashboard.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.analytics.Percent;
import dev.agentmeter.analytics.Usd;
import dev.agentmeter.dashboard.web.Html;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;

/** One alert as the feed reads, the same whether it came from the topic or the alert table. */
public final class AlertText {

    private AlertText() {
    }

    /**
     * "user:alice DAY: $8.01 of $10.00 (80 % threshold)"; FORECAST alerts say where spend is heading,
     * RESOLVED ones that the threshold is no longer crossed.
     */
    public static String line(JsonNode a, ZoneId zone) {
        String level = a.path("level").asText("?");
        String head = a.path("scope").asText("?") + " " + a.path("period").asText("?") + ": ";
        String money = usd(a, "spendUsd") + " of " + usd(a, "limitUsd");
        return switch (level) {
            case "FORECAST" -> head + money + ", heading for " + usd(a, "projectedUsd")
                    + (a.hasNonNull("projectedCrossingAt") ? ", limit reached about "
                    + Html.time(Instant.parse(a.get("projectedCrossingAt").asText()), zone) : "");
            case "RESOLVED" -> head + money + ": " + percent(a) + " threshold no longer crossed (budget changed)";
            default -> head + money + " (" + percent(a) + " threshold)";
        };
    }

    private static String usd(JsonNode a, String field) {
        return a.hasNonNull(field) ? Usd.human(new BigDecimal(a.get(field).asText())) : "–";
    }

    private static String percent(JsonNode a) {
        if (!a.hasNonNull("threshold")) {
            return "?";
        }
        return Percent.ofFraction(new BigDecimal(a.get("threshold").asText()));
    }
}
