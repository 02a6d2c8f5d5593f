package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.CalendarWindow;
import dev.agentmeter.model.Period;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Seeds a window of a budget's own zone, met for the first time, from what the processor-zone
 * windows already hold of it: whole processor-zone days inside it from their DAY windows, the rest
 * hour by hour from the HOUR windows.
 *
 * <p>Exact when those hours are still kept ({@code window.retention.hour}, 2 days): always for
 * the current DAY of a zone whole hours away, and for a MONTH window only when the budget named
 * its zone before the month's first partial day was dropped. Hours of an edge day no longer kept
 * are counted as missing ({@code agentmeter_budget_zone_seed_inexact_total}), never guessed.
 */
final class ZoneSeeder {

    private final SpendWindows windows;
    /** The processor's zone, whose windows are kept for every scope. */
    private final ZoneId zone;

    private final Duration hourRetention;
    private final ProcessorMetrics metrics;

    ZoneSeeder(SpendWindows windows, ZoneId zone, Duration hourRetention, ProcessorMetrics metrics) {
        this.windows = windows;
        this.zone = zone;
        this.hourRetention = hourRetention;
        this.metrics = metrics;
    }

    /** The window {@code bw} of another zone as the processor-zone windows of {@code scopeKey} hold it. */
    SpendAggregate seed(Period period, CalendarWindow bw, String scopeKey, long streamTime) {
        SpendAggregate seeded = SpendAggregate.empty(bw.start(), bw.end());
        Instant hourHorizon = Instant.ofEpochMilli(streamTime).minus(hourRetention);
        Instant stop = Instant.ofEpochMilli(
                Math.max(streamTime, bw.start().toEpochMilli())); // nothing is kept ahead of stream time
        boolean exact = true;
        Instant t = bw.start();
        while (t.isBefore(bw.end()) && !t.isAfter(stop)) {
            CalendarWindow day = CalendarWindow.of(Period.DAY, t, zone);
            if (period != Period.HOUR
                    && !day.start().isBefore(bw.start())
                    && !day.end().isAfter(bw.end())) {
                seeded = seeded.merge(windows.get(SpendStores.key(Period.DAY, day.start(), scopeKey)));
                t = day.end();
                continue;
            }
            Instant until = day.end().isBefore(bw.end()) ? day.end() : bw.end();
            SpendAggregate dayAgg = windows.get(SpendStores.key(Period.DAY, day.start(), scopeKey));
            for (Instant h = t;
                    h.isBefore(until) && !h.isAfter(stop);
                    h = CalendarWindow.of(Period.HOUR, h, zone).end()) {
                CalendarWindow hour = CalendarWindow.of(Period.HOUR, h, zone);
                boolean inside =
                        !hour.start().isBefore(bw.start()) && !hour.end().isAfter(bw.end());
                SpendAggregate hourAgg = windows.get(SpendStores.key(Period.HOUR, hour.start(), scopeKey));
                if (inside && (hourAgg != null || !hour.start().isBefore(hourHorizon))) {
                    seeded = seeded.merge(hourAgg);
                } else if (dayAgg != null && dayAgg.spendUsd().signum() > 0) {
                    exact = false; // spend that day, and this hour not kept (or not aligned): not counted
                }
            }
            t = until;
        }
        if (!exact) {
            metrics.zoneSeedInexact();
        }
        return seeded;
    }
}
