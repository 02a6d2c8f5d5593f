package dev.agentmeter.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetStatusTest {

    private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");

    private static BudgetStatus status(String spend, String limit) {
        return BudgetStatus.of(
                Scope.parse("user:alice"),
                Period.DAY,
                START,
                START.plusSeconds(86_400),
                new BigDecimal(spend),
                new BigDecimal(limit),
                Budget.DEFAULT_THRESHOLDS,
                START.plusSeconds(3600));
    }

    @Test
    void levelsAreOkBelowTheLowestThresholdWarningFromItExceededAtTheLimit() {
        assertThat(status("4.99", "10").level()).isEqualTo(BudgetStatus.Level.OK);
        assertThat(status("5", "10").level()).isEqualTo(BudgetStatus.Level.WARNING);
        assertThat(status("9.99", "10").level()).isEqualTo(BudgetStatus.Level.WARNING);
        assertThat(status("10", "10").level()).isEqualTo(BudgetStatus.Level.EXCEEDED);
    }

    @Test
    void theRatioIsExactWhereItEndsAndSixteenDigitsWhereItDoesNot() {
        assertThat(status("8.0123", "10.00").usedRatio().toPlainString()).isEqualTo("0.80123");
        assertThat(status("1", "3").usedRatio().toPlainString()).isEqualTo("0.3333333333333333");
        assertThat(status("20", "10").usedRatio().toPlainString()).isEqualTo("2");
    }

    @Test
    void theJsonIsTheContractsShape() {
        assertThat(ContractJson.toJson(status("8.0123", "10.00")))
                .isEqualTo(
                        "{\"scope\":\"user:alice\",\"period\":\"DAY\","
                                + "\"windowStart\":\"2026-11-22T00:00:00Z\",\"windowEnd\":\"2026-11-23T00:00:00Z\",\"spendUsd\":\"8.0123\","
                                + "\"limitUsd\":\"10.00\",\"usedRatio\":\"0.80123\",\"level\":\"WARNING\",\"updatedAt\":\"2026-11-22T01:00:00Z\"}");
    }

    @Test
    void aBudgetCarriesItsZoneAndForecastOnlyWhenSet() {
        Budget plain = new Budget(Scope.parse("user:alice"), Map.of(Period.DAY, new BigDecimal("10.00")), List.of());
        Budget zoned = new Budget(
                Scope.parse("user:alice"),
                Map.of(Period.DAY, new BigDecimal("10.00")),
                List.of(),
                "America/New_York",
                true);

        assertThat(ContractJson.toJson(plain))
                .isEqualTo("{\"scope\":\"user:alice\",\"limits\":{\"DAY\":\"10.00\"},"
                        + "\"thresholds\":[\"0.5\",\"0.8\",\"1.0\"]}");
        assertThat(ContractJson.toJson(zoned)).endsWith(",\"zone\":\"America/New_York\",\"forecast\":true}");
        assertThat(ContractJson.fromJson(ContractJson.toJson(zoned), Budget.class))
                .isEqualTo(zoned);
    }
}
