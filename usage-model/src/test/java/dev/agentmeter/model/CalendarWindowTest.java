package dev.agentmeter.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Calendar windows in a zone, DST included. */
class CalendarWindowTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void anHourStartsAtTheWholeHour() {
        CalendarWindow w = CalendarWindow.of(Period.HOUR, Instant.parse("2026-11-22T10:15:30Z"), ZoneOffset.UTC);
        assertThat(w)
                .isEqualTo(new CalendarWindow(
                        Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T11:00:00Z")));
    }

    @Test
    void aNewYorkDayStartsAtLocalMidnight() {
        CalendarWindow w = CalendarWindow.of(Period.DAY, Instant.parse("2026-11-22T03:00:00Z"), NEW_YORK);
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-21T05:00:00Z"));
    }

    @Test
    void theDayClocksGoBackLastsTwentyFiveHours() {
        CalendarWindow w = CalendarWindow.of(Period.DAY, Instant.parse("2026-11-01T12:00:00Z"), NEW_YORK);
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void theDayClocksGoForwardLastsTwentyThreeHours() {
        CalendarWindow w = CalendarWindow.of(Period.DAY, Instant.parse("2026-03-29T12:00:00Z"), BERLIN);
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void halfAnHourAfterBerlinMidnightOnTheFirstIsTheNewMonth() {
        CalendarWindow w = CalendarWindow.of(Period.MONTH, Instant.parse("2026-11-30T23:30:00Z"), BERLIN);
        assertThat(w)
                .isEqualTo(new CalendarWindow(
                        Instant.parse("2026-11-30T23:00:00Z"), Instant.parse("2026-12-31T23:00:00Z")));
    }

    @Test
    void theEndIsExclusiveAndTheStartInclusive() {
        CalendarWindow w = CalendarWindow.of(Period.HOUR, Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        assertThat(w.contains(Instant.parse("2026-11-22T10:00:00Z"))).isTrue();
        assertThat(w.contains(Instant.parse("2026-11-22T11:00:00Z"))).isFalse();
    }

    @Test
    void aSessionIsNotACalendarWindow() {
        assertThatThrownBy(() -> CalendarWindow.of(Period.SESSION, Instant.EPOCH, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
