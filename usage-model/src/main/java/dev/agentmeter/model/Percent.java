package dev.agentmeter.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Percentages, computed and shown one way everywhere (the CLI, the dashboard, alert texts): exact
 * decimals rounded half-even once, to the places asked; for people with a space before the sign
 * ({@code 12.5 %}) and a dash where there is none.
 */
public final class Percent {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Percent() {}

    /** {@code part} as a percentage of {@code whole}, to {@code scale} places; null when the whole is zero. */
    public static BigDecimal of(BigDecimal part, BigDecimal whole, int scale) {
        if (whole.signum() == 0) {
            return null;
        }
        return part.multiply(HUNDRED).divide(whole, scale, RoundingMode.HALF_EVEN);
    }

    /** A percentage for people: {@code 12.5 %}, or {@code –} for none. */
    public static String human(BigDecimal percent) {
        return percent == null ? "–" : percent.toPlainString() + " %";
    }

    /** A percentage in a fixed-width table, where the space would cost a column: {@code 12.5%}, or {@code -} for none. */
    public static String cell(BigDecimal percent) {
        return percent == null ? "-" : percent.toPlainString() + "%";
    }

    /** A fraction (a threshold such as 0.8) as a percentage for people: {@code 80 %}. */
    public static String ofFraction(BigDecimal fraction) {
        return fraction.movePointRight(2).stripTrailingZeros().toPlainString() + " %";
    }
}
