package dev.agentmeter.processor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

    private static final BudgetBook.Limit TEN = new BudgetBook.Limit(
            new BigDecimal("10"), List.of(new BigDecimal("0.5"), new BigDecimal("0.8"), new BigDecimal("1.0")));

    private static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }

    @Test
    void spendReachesEveryThresholdAtOrBelowIt() {
        assertThat(Thresholds.reached(usd("8.00"), TEN)).containsExactly(usd("0.5"), usd("0.8"));
    }

    @Test
    void aCentBelowAThresholdDoesNotReachIt() {
        assertThat(Thresholds.reached(usd("4.99"), TEN)).isEmpty();
    }

    @Test
    void exactlyTheLimitReachesAllThresholds() {
        assertThat(Thresholds.reached(usd("10"), TEN)).containsExactly(usd("0.5"), usd("0.8"), usd("1.0"));
    }

    @Test
    void aNeverAlertedThresholdAlertsAsGenerationOne() {
        assertThat(Thresholds.alertGeneration(null)).isEqualTo(1);
    }

    @Test
    void anAlertedThresholdDoesNotAlertAgain() {
        assertThat(Thresholds.alertGeneration(2L)).isZero();
    }

    @Test
    void aResolvedThresholdAlertsAgainAsItsNextGeneration() {
        assertThat(Thresholds.alertGeneration(-2L)).isEqualTo(3);
    }

    @Test
    void raisingTheLimitAboveTheSpendResolvesTheAlertedThreshold() {
        BudgetBook.Limit raised = new BudgetBook.Limit(new BigDecimal("20"), TEN.thresholds());
        assertThat(Thresholds.resolves(1L, usd("8"), raised, usd("0.8"))).isTrue();
    }

    @Test
    void aLimitStillReachedResolvesNothing() {
        BudgetBook.Limit raised = new BudgetBook.Limit(new BigDecimal("15"), TEN.thresholds());
        assertThat(Thresholds.resolves(1L, usd("8"), raised, usd("0.5"))).isFalse();
    }

    @Test
    void aDeletedBudgetResolvesEveryAlertedThreshold() {
        assertThat(Thresholds.resolves(1L, usd("8"), null, usd("0.5"))).isTrue();
    }

    @Test
    void anAlreadyResolvedThresholdIsNotResolvedTwice() {
        assertThat(Thresholds.resolves(-1L, usd("8"), null, usd("0.5"))).isFalse();
    }
}
