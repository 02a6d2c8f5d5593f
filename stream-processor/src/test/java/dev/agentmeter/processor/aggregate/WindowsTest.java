package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Calendar windows in a zone, DST included. */
class WindowsTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void anHourStartsAtTheWholeHour() {
        Windows.Window w = Windows.of(Period.HOUR, Instant.parse("2026-11-22T10:15:30Z"), ZoneOffset.UTC);
        assertThat(w).isEqualTo(new Windows.Window(Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T11:00:00Z")));
    }

    @Test
    void aNewYorkDayStartsAtLocalMidnight() {
        Windows.Window w = Windows.of(Period.DAY, Instant.parse("2026-11-22T03:00:00Z"), NEW_YORK);
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-21T05:00:00Z"));
    }

    @Test
    void theDayClocksGoBackLastsTwentyFiveHours() {
        Windows.Window w = Windows.of(Period.DAY, Instant.parse("2026-11-01T12:00:00Z"), NEW_YORK);
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void theDayClocksGoForwardLastsTwentyThreeHours() {
        Windows.Window w = Windows.of(Period.DAY, Instant.parse("2026-03-29T12:00:00Z"), BERLIN);
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void halfAnHourAfterBerlinMidnightOnTheFirstIsTheNewMonth() {
        Windows.Window w = Windows.of(Period.MONTH, Instant.parse("2026-11-30T23:30:00Z"), BERLIN);
        assertThat(w).isEqualTo(new Windows.Window(Instant.parse("2026-11-30T23:00:00Z"), Instant.parse("2026-12-31T23:00:00Z")));
    }

    @Test
    void theEndIsExclusiveAndTheStartInclusive() {
        Windows.Window w = Windows.of(Period.HOUR, Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        assertThat(w.contains(Instant.parse("2026-11-22T10:00:00Z"))).isTrue();
        assertThat(w.contains(Instant.parse("2026-11-22T11:00:00Z"))).isFalse();
    }

    @Test
    void aSessionIsNotACalendarWindow() {
        assertThatThrownBy(() -> Windows.of(Period.SESSION, Instant.EPOCH, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
