package dev.agentmeter.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PercentTest {

    @Test
    void aShareIsRoundedHalfEvenOnceToThePlacesAsked() {
        assertThat(Percent.of(new BigDecimal("2.10"), new BigDecimal("2.2"), 2)).isEqualByComparingTo("95.45");
        assertThat(Percent.of(new BigDecimal("1"), new BigDecimal("8"), 1)).hasToString("12.5");
        assertThat(Percent.of(new BigDecimal("1"), new BigDecimal("16"), 2)).hasToString("6.25");
        assertThat(Percent.of(new BigDecimal("1"), new BigDecimal("400"), 1))
                .as("0.25 to one place, half-even")
                .hasToString("0.2");
        assertThat(Percent.of(BigDecimal.ONE, BigDecimal.ZERO, 2)).isNull();
    }

    @Test
    void forPeopleWithASpaceAndADashForNone() {
        assertThat(Percent.human(new BigDecimal("75.32"))).isEqualTo("75.32 %");
        assertThat(Percent.human(null)).isEqualTo("–");
        assertThat(Percent.ofFraction(new BigDecimal("0.80"))).isEqualTo("80 %");
        assertThat(Percent.ofFraction(new BigDecimal("1.5"))).isEqualTo("150 %");
    }

    @Test
    void inATableCellWithoutTheSpaceAndAnAsciiDashForNone() {
        assertThat(Percent.cell(new BigDecimal("12.5"))).isEqualTo("12.5%");
        assertThat(Percent.cell(null)).isEqualTo("-");
    }
}
