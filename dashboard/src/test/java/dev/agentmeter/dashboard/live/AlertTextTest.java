package dev.agentmeter.dashboard.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.json.ContractJson;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class AlertTextTest {

    private static String line(String json) throws Exception {
        return AlertText.line(ContractJson.mapper().readValue(json, BudgetAlert.class), ZoneId.of("UTC"));
    }

    @Test
    void aThresholdAlertSaysSpendOfLimitAndTheThreshold() throws Exception {
        assertThat(line("{\"scope\":\"user:alice\",\"period\":\"DAY\",\"threshold\":\"0.8\",\"level\":\"WARNING\","
                        + "\"spendUsd\":\"8.0123\",\"limitUsd\":\"10.00\"}"))
                .isEqualTo("user:alice DAY: $8.01 of $10.00 (80 % threshold)");
    }

    @Test
    void aForecastSaysWhereSpendIsHeadingAndWhen() throws Exception {
        assertThat(
                        line(
                                "{\"scope\":\"team:ml\",\"period\":\"MONTH\",\"threshold\":\"1.0\",\"level\":\"FORECAST\","
                                        + "\"spendUsd\":\"40\",\"limitUsd\":\"100\",\"projectedUsd\":\"130.5\",\"projectedCrossingAt\":\"2026-12-24T06:00:00Z\"}"))
                .isEqualTo(
                        "team:ml MONTH: $40.00 of $100.00, heading for $130.50, limit reached about 2026-12-24 06:00:00");
    }

    @Test
    void aResolvedAlertSaysTheThresholdIsNoLongerCrossed() throws Exception {
        assertThat(line("{\"scope\":\"user:bob\",\"period\":\"DAY\",\"threshold\":\"0.5\",\"level\":\"RESOLVED\","
                        + "\"spendUsd\":\"6\",\"limitUsd\":\"20\"}"))
                .isEqualTo("user:bob DAY: $6.00 of $20.00: 50 % threshold no longer crossed (budget changed)");
    }
}
