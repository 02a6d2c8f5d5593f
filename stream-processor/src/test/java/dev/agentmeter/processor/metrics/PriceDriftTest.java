package dev.agentmeter.processor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The drift rule the metric and the price_drift_by_model view share: more than 1 % of the catalog figure. */
class PriceDriftTest {

    private static boolean drifted(String billed, String catalog) {
        return ProcessorMetrics.drifted(new BigDecimal(billed), catalog == null ? null : new BigDecimal(catalog));
    }

    @Test
    void exactlyOnePercentApartIsNotDrift() {
        assertThat(drifted("1.01", "1")).isFalse();
        assertThat(drifted("0.99", "1")).isFalse();
    }

    @Test
    void justOverOnePercentIsDrift() {
        assertThat(drifted("1.0100001", "1")).isTrue();
        assertThat(drifted("0.9899999", "1")).isTrue();
    }

    @Test
    void aCostWhereTheCatalogSaysFreeIsDrift() {
        assertThat(drifted("0.0001", "0")).isTrue();
        assertThat(drifted("0", "0")).isFalse();
    }

    @Test
    void withoutACatalogFigureThereIsNothingToCompare() {
        assertThat(drifted("5", null)).isFalse();
    }
}
