package dev.agentmeter.processor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ForecastTest {

    private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");
    private static final Instant END = Instant.parse("2026-11-23T00:00:00Z");

    private static Forecast at(String time, String spend, long events, String limit) {
        return Forecast.of(
                START,
                END,
                Instant.parse("2026-11-22T" + time + "Z"),
                new BigDecimal(spend),
                events,
                new BigDecimal(limit));
    }

    @Test
    void projectsTheBurnRateSoFarToTheWindowsEnd() {
        Forecast f = at("06:00:00", "3", 5, "10");

        assertThat(f.projectedUsd().toPlainString()).isEqualTo("12");
        assertThat(f.crossingAt()).isEqualTo(Instant.parse("2026-11-22T20:00:00Z"));
    }

    @Test
    void lessThanATenthOfTheWindowIsNoEvidence() {
        assertThat(at("02:23:59", "5", 50, "10")).isNull();
        assertThat(at("02:24:00", "5", 50, "10")).isNotNull();
    }

    @Test
    void fewerThanFiveEventsAreNoEvidence() {
        assertThat(at("12:00:00", "9", 4, "10")).isNull();
    }

    @Test
    void aWindowHeadingBelowItsLimitDoesNotForecast() {
        assertThat(at("12:00:00", "4.99", 10, "10")).isNull();
        assertThat(at("12:00:00", "5", 10, "10").projectedUsd().toPlainString()).isEqualTo("10");
    }

    @Test
    void aWindowAlreadyAtItsLimitAlertsExceededInstead() {
        assertThat(at("12:00:00", "10", 10, "10")).isNull();
    }

    @Test
    void theProjectionKeepsSixDecimals() {
        assertThat(at("07:00:00", "3.5", 5, "10").projectedUsd().toPlainString())
                .isEqualTo("12");
        assertThat(at("07:00:00", "3.01", 5, "10").projectedUsd().toPlainString())
                .isEqualTo("10.32");
        assertThat(at("09:00:00", "4", 5, "10").projectedUsd().toPlainString()).isEqualTo("10.666667");
    }
}
