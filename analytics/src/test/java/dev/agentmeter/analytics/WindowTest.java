package dev.agentmeter.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** report.js's {@code --last Nd|Nw|Nm}: whole calendar days of the zone, up to and including today. */
class WindowTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:30:00Z");

    @ParameterizedTest(name = "--last {0}")
    @CsvSource({
        "1d, 2026-12-02T00:00:00Z, 2026-12-03T00:00:00Z, last 1 day",
        "7d, 2026-11-26T00:00:00Z, 2026-12-03T00:00:00Z, last 7 days",
        "2w, 2026-11-19T00:00:00Z, 2026-12-03T00:00:00Z, last 2 weeks",
        "1m, 2026-11-03T00:00:00Z, 2026-12-03T00:00:00Z, last 1 month",
        "30D, 2026-11-03T00:00:00Z, 2026-12-03T00:00:00Z, last 30 days"
    })
    void lastCountsBackFromTodayInclusive(String amount, String from, String to, String label) {
        Window w = Window.last(amount, ZoneId.of("UTC"), NOW);
        assertThat(w.from()).isEqualTo(Instant.parse(from));
        assertThat(w.to()).isEqualTo(Instant.parse(to));
        assertThat(w.label()).isEqualTo(label);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "0d", "7y", "d", "-3d"})
    void lastRefusesWhatIsNotACountAndAUnit(String amount) {
        assertThatThrownBy(() -> Window.last(amount, ZoneId.of("UTC"), NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("last takes a count and a unit, e.g. 7d, 2w or 3m, not " + amount);
    }

    @Test
    void lastUsesTheZonesCalendar() {
        Window w = Window.last("1d", ZoneId.of("Pacific/Auckland"), NOW); // 23:30 on 2 Dec there
        assertThat(w.from()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void errorsNameTheParameterAsTheDashboardSpellsIt() {
        assertThatThrownBy(() ->
                        Window.between(LocalDate.parse("2026-11-10"), LocalDate.parse("2026-11-01"), ZoneId.of("UTC")))
                .hasMessage("to 2026-11-01 is before from 2026-11-10");
        assertThatThrownBy(() -> Window.named("fortnight", ZoneId.of("UTC"), NOW))
                .hasMessage("period must be today, yesterday, last-7-days, last-30-days or this-month, not fortnight");
    }
}
