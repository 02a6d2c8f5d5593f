package dev.agentmeter.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * A calendar window [start, end) in a zone: HOUR, DAY and MONTH start at the zone's wall-clock
 * boundary, so a DAY across a DST change lasts 23 or 25 hours. The one definition the processor's
 * windows, the dashboard's budgets and the reports share. SESSION windows are not calendar windows
 * (they end after inactivity) and are the processor's own.
 */
public record CalendarWindow(Instant start, Instant end) {

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** The window of {@code period} that holds {@code at} in {@code zone}. */
    public static CalendarWindow of(Period period, Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return switch (period) {
            case HOUR -> {
                ZonedDateTime start = t.truncatedTo(ChronoUnit.HOURS);
                yield new CalendarWindow(start.toInstant(), start.toInstant().plus(1, ChronoUnit.HOURS));
            }
            case DAY -> days(t.toLocalDate(), t.toLocalDate().plusDays(1), zone);
            case MONTH -> {
                LocalDate first = t.toLocalDate().withDayOfMonth(1);
                yield days(first, first.plusMonths(1), zone);
            }
            case SESSION -> throw new IllegalArgumentException("SESSION is not a calendar window");
        };
    }

    /** The whole days from {@code first} to {@code endExclusive} in {@code zone}. */
    public static CalendarWindow days(LocalDate first, LocalDate endExclusive, ZoneId zone) {
        return new CalendarWindow(
                first.atStartOfDay(zone).toInstant(),
                endExclusive.atStartOfDay(zone).toInstant());
    }
}
