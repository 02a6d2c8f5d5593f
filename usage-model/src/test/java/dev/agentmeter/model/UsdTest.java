package dev.agentmeter.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsdTest {

    @Test
    void peopleReadCents() {
        assertThat(Usd.human(new BigDecimal("6.6932935067"))).isEqualTo("$6.69");
        assertThat(Usd.human(new BigDecimal("1234.5"))).isEqualTo("$1234.50");
    }

    @Test
    void belowACentTwoSignificantDigitsShow() {
        assertThat(Usd.human(new BigDecimal("0.0075"))).isEqualTo("$0.0075");
        assertThat(Usd.human(new BigDecimal("0.000123"))).isEqualTo("$0.00012");
    }

    @Test
    void zeroAndNegativeAmounts() {
        assertThat(Usd.human(BigDecimal.ZERO)).isEqualTo("$0.00");
        assertThat(Usd.human(new BigDecimal("-0.575"))).isEqualTo("-$0.58");
    }

    @Test
    void theExactFormDropsTrailingZerosOnly() {
        assertThat(Usd.exact(new BigDecimal("1.95000000"))).isEqualTo("1.95");
        assertThat(Usd.exact(new BigDecimal("0E-8"))).isEqualTo("0");
        assertThat(Usd.exact(new BigDecimal("120"))).isEqualTo("120");
    }

    @Test
    void theExactFormIsMoneysNormalFormNeverAnExponent() {
        assertThat(Usd.exact(new BigDecimal("3E+1"))).isEqualTo("30");
        assertThat(Usd.exact(new BigDecimal("-0.0105000"))).isEqualTo("-0.0105");
        assertThat(Usd.exact(new BigDecimal("3E+1")))
                .isEqualTo(Money.normalise(new BigDecimal("3E+1")).toPlainString());
    }
}
