package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Period;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Calendar windows in a zone: HOUR, DAY and MONTH start at the zone's wall-clock boundary, so a
 * DAY across a DST change lasts 23 or 25 hours. SESSION windows are not calendar windows and are
 * handled by the aggregator.
 */
public final class Windows {

    private Windows() {
    }

    public record Window(Instant start, Instant end) {
        public boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    public static Window of(Period period, Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return switch (period) {
            case HOUR -> {
                ZonedDateTime start = t.truncatedTo(ChronoUnit.HOURS);
                yield new Window(start.toInstant(), start.toInstant().plus(1, ChronoUnit.HOURS));
            }
            case DAY -> {
                LocalDate d = t.toLocalDate();
                yield new Window(d.atStartOfDay(zone).toInstant(), d.plusDays(1).atStartOfDay(zone).toInstant());
            }
            case MONTH -> {
                LocalDate first = t.toLocalDate().withDayOfMonth(1);
                yield new Window(first.atStartOfDay(zone).toInstant(), first.plusMonths(1).atStartOfDay(zone).toInstant());
            }
            case SESSION -> throw new IllegalArgumentException("SESSION is not a calendar window");
        };
    }
}
