package dev.agentmeter.analytics;

import dev.agentmeter.model.CalendarWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report's time range [from, to) and the calendar zone its days are counted in.
 *
 * <p>The CLI (flags) and the dashboard (query parameters) both make windows: an error message
 * begins with the name of the parameter that is wrong ({@code period}, {@code last}, {@code to}),
 * and the CLI puts its dashes before it.
 */
public record Window(Instant from, Instant to, ZoneId zone, String label) {

    public static Window named(String period, ZoneId zone, Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        return switch (period.toLowerCase(Locale.ROOT)) {
            case "today" -> days(today, today.plusDays(1), zone, "today");
            case "yesterday" -> days(today.minusDays(1), today, zone, "yesterday");
            case "last-7-days" -> days(today.minusDays(6), today.plusDays(1), zone, "last 7 days");
            case "last-30-days" -> days(today.minusDays(29), today.plusDays(1), zone, "last 30 days");
            case "this-month" ->
                days(today.withDayOfMonth(1), today.withDayOfMonth(1).plusMonths(1), zone, "this month");
            default ->
                throw new IllegalArgumentException(
                        "period must be today, yesterday, last-7-days, last-30-days or this-month, not " + period);
        };
    }

    /**
     * The last N days, weeks or months up to and including today, as the scripts say it:
     * {@code 7d}, {@code 2w} (14 days), {@code 1m} (the same day a month ago + 1, to today).
     */
    public static Window last(String amount, ZoneId zone, Instant now) {
        Matcher m = Pattern.compile("(\\d{1,4})([dwm])").matcher(amount.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
            throw new IllegalArgumentException("last takes a count and a unit, e.g. 7d, 2w or 3m, not " + amount);
        }
        int n = Integer.parseInt(m.group(1));
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate first = switch (m.group(2)) {
            case "d" -> today.minusDays(n - 1L);
            case "w" -> today.minusDays(7L * n - 1);
            default -> today.minusMonths(n).plusDays(1);
        };
        String unit = switch (m.group(2)) {
            case "d" -> n == 1 ? "day" : "days";
            case "w" -> n == 1 ? "week" : "weeks";
            default -> n == 1 ? "month" : "months";
        };
        return days(first, today.plusDays(1), zone, "last " + n + " " + unit);
    }

    public static Window between(LocalDate fromDay, LocalDate toDayInclusive, ZoneId zone) {
        if (toDayInclusive.isBefore(fromDay)) {
            throw new IllegalArgumentException("to " + toDayInclusive + " is before from " + fromDay);
        }
        return days(fromDay, toDayInclusive.plusDays(1), zone, fromDay + " .. " + toDayInclusive);
    }

    private static Window days(LocalDate from, LocalDate toExclusive, ZoneId zone, String label) {
        CalendarWindow days = CalendarWindow.days(from, toExclusive, zone);
        return new Window(days.start(), days.end(), zone, label);
    }

    /** Calendar days of the window that have begun by {@code now} (at least 1), for daily averages. */
    public long elapsedDays(Instant now) {
        Instant end = now.isBefore(to) ? now : to;
        LocalDate first = from.atZone(zone).toLocalDate();
        LocalDate last = end.minusNanos(1).atZone(zone).toLocalDate();
        return Math.max(1, ChronoUnit.DAYS.between(first, last) + 1);
    }
}
