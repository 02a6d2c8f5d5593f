package dev.agentmeter.processor.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a window's spend is heading at its burn rate so far: a straight line from the window's
 * start through the spend now ({@code projected = spend × window length / elapsed}), reaching the
 * limit at {@code start + elapsed × limit / spend}.
 *
 * <p>Minimum evidence, so that the first cent of a new window does not project a fortune: at
 * least {@value #MIN_EVENTS} events, and at least a tenth of the window elapsed ({@code 2.4 h} of
 * a DAY, {@code 6 min} of an HOUR, about 3 days of a MONTH). Only a window that has not reached its
 * limit yet forecasts (one that has, alerts EXCEEDED).
 */
public record Forecast(BigDecimal projectedUsd, Instant crossingAt) {

    public static final int MIN_EVENTS = 5;
    public static final int MIN_ELAPSED_DIVISOR = 10;

    /**
     * The forecast when the evidence suffices and the projection reaches {@code limit} before
     * {@code windowEnd}; else null.
     *
     * @param at the time of the latest spend (event time), inside the window
     */
    public static Forecast of(
            Instant windowStart, Instant windowEnd, Instant at, BigDecimal spend, long events, BigDecimal limit) {
        if (events < MIN_EVENTS || spend.signum() <= 0 || limit.signum() <= 0 || spend.compareTo(limit) >= 0) {
            return null;
        }
        long length = Duration.between(windowStart, windowEnd).toMillis();
        long elapsed = Duration.between(windowStart, at).toMillis();
        if (elapsed <= 0 || elapsed * MIN_ELAPSED_DIVISOR < length) {
            return null;
        }
        BigDecimal projected = spend.multiply(BigDecimal.valueOf(length))
                .divide(BigDecimal.valueOf(elapsed), 6, RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        if (projected.compareTo(limit) < 0) {
            return null;
        }
        long toLimit = limit.multiply(BigDecimal.valueOf(elapsed))
                .divide(spend, 0, RoundingMode.CEILING)
                .longValueExact();
        return new Forecast(projected.scale() < 0 ? projected.setScale(0) : projected, windowStart.plusMillis(toLimit));
    }
}
