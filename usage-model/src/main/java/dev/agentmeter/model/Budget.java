package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A budget on the compacted {@code agentmeter.budgets} topic, keyed by scope. {@code zone}: the
 * calendar zone of its HOUR, DAY and MONTH windows (null: the processor's); {@code forecast}: ask
 * for a FORECAST alert when spend is heading past a limit (null or false: no).
 */
public record Budget(
        Scope scope, Map<Period, BigDecimal> limits, List<BigDecimal> thresholds, String zone, Boolean forecast) {

    /** Used when a budget names no thresholds. */
    public static final List<BigDecimal> DEFAULT_THRESHOLDS =
            List.of(new BigDecimal("0.5"), new BigDecimal("0.8"), new BigDecimal("1.0"));

    public Budget {
        limits = limits == null || limits.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(limits));
        thresholds = thresholds == null || thresholds.isEmpty()
                ? DEFAULT_THRESHOLDS
                : thresholds.stream().sorted().toList();
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("budget zone: not a time zone: " + zone);
            }
        }
    }

    /** A budget in the processor's zone, without forecast. */
    public Budget(Scope scope, Map<Period, BigDecimal> limits, List<BigDecimal> thresholds) {
        this(scope, limits, thresholds, null, null);
    }

    /** The zone of its calendar windows: its own, else {@code fallback} (the processor's). */
    public ZoneId zoneOr(ZoneId fallback) {
        return zone == null ? fallback : ZoneId.of(zone);
    }

    /** Whether it asks for FORECAST alerts. */
    public boolean forecasting() {
        return Boolean.TRUE.equals(forecast);
    }
}
