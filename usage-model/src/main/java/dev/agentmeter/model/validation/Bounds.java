package dev.agentmeter.model.validation;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The contract's bounds on numbers ("No record stops the pipeline"): a value outside is rejected
 * with its field named, never fatal. Every part that lets a record in checks them here, before it
 * does anything else with the value: formatting a {@code BigDecimal} such as {@code 1e-999999999}
 * with {@code toPlainString} alone writes a billion characters, and {@code 1e10000} cannot be
 * written as a plain JSON number at all.
 */
public final class Bounds {

    /** Token counts and {@code call.promptChars}: 0 ≤ n ≤ 10^12. */
    public static final long MAX_TOKENS = 1_000_000_000_000L;
    /** {@code call.durationMs}: 0 ≤ n ≤ 31 days. */
    public static final long MAX_DURATION_MS = 2_678_400_000L;

    public static final int MIN_STATUS_CODE = 100;
    public static final int MAX_STATUS_CODE = 599;
    /** Money sent by agents, prices per million tokens, budget limits: 0 ≤ x ≤ 1,000,000. */
    public static final BigDecimal MAX_MONEY = BigDecimal.valueOf(1_000_000);
    /** Digits after the decimal point once trailing zeros are removed. */
    public static final int MAX_MONEY_SCALE = 18;
    /** A cost computed from bounded tokens and prices: tokens × price per million / 10^6. */
    public static final BigDecimal MAX_COST = BigDecimal.valueOf(MAX_TOKENS);

    public static final int MAX_COST_SCALE = MAX_MONEY_SCALE + 6;
    /** The earliest timestamp accepted. */
    public static final Instant MIN_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z");
    /**
     * Characters of a money value given as a string; longer ones are refused before they are parsed
     * (the same limit Jackson puts on a JSON number).
     */
    public static final int MAX_MONEY_CHARS = 1000;

    private Bounds() {}

    /** A count (tokens, characters) out of 0..{@value #MAX_TOKENS}, or null when it is within. */
    public static Violation count(String field, long value) {
        return count(field, value, MAX_TOKENS);
    }

    /** An integer out of 0..{@code max}, or null when it is within. */
    public static Violation count(String field, long value, long max) {
        if (value < 0) {
            return new Violation(
                    field, "nonNegative", field + " is " + value + "; token counts and durations cannot be negative");
        }
        if (value > max) {
            return new Violation(field, "maximum", field + " is " + value + "; at most " + max + " is accepted");
        }
        return null;
    }

    /**
     * Money (or a price, or a limit) out of 0..{@value #MAX_MONEY} or with more than
     * {@value #MAX_MONEY_SCALE} digits after the point, or null when it is within. Never formats the
     * whole value: the message shows it in scientific notation, shortened.
     */
    public static Violation money(String field, BigDecimal value) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            return new Violation(
                    field, "nonNegative", field + " is " + describe(value) + "; a cost cannot be negative");
        }
        if (value.compareTo(MAX_MONEY) > 0) {
            return new Violation(field, "maximum", field + " is " + describe(value) + "; at most 1000000 is accepted");
        }
        // Checked on the value as given first: stripping trailing zeros of 1e-999999999 is cheap, but
        // the scale alone already says whether more than 18 places can remain.
        if (value.scale() > MAX_MONEY_SCALE && value.stripTrailingZeros().scale() > MAX_MONEY_SCALE) {
            return new Violation(
                    field,
                    "scale",
                    field + " is " + describe(value) + "; at most " + MAX_MONEY_SCALE
                            + " digits after the decimal point are accepted");
        }
        return null;
    }

    /**
     * A computed cost (a priced record's {@code cost.*}) beyond what bounded tokens and prices can
     * give: more than 10^12 USD or more than 24 decimal places; null when it is within.
     */
    public static Violation cost(String field, BigDecimal value) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0
                || value.compareTo(MAX_COST) > 0
                || (value.scale() > MAX_COST_SCALE && value.stripTrailingZeros().scale() > MAX_COST_SCALE)) {
            return new Violation(
                    field,
                    "range",
                    field + " is " + describe(value) + "; a cost is 0 to 10^12 USD with at" + " most " + MAX_COST_SCALE
                            + " decimal places");
        }
        return null;
    }

    /** A timestamp before {@link #MIN_TIMESTAMP} or after {@code latest}, or null when it is within. */
    public static Violation timestamp(String field, Instant value, Instant latest, String skew) {
        if (value.isBefore(MIN_TIMESTAMP)) {
            return new Violation(
                    field,
                    "minimum",
                    field + " " + value + " is before " + MIN_TIMESTAMP + "; check the sender's clock");
        }
        if (value.isAfter(latest)) {
            return new Violation(
                    field,
                    "notInFuture",
                    field + " " + value + " is more than " + skew + " in the future; check the sender's clock");
        }
        return null;
    }

    /**
     * A BigDecimal for a message: plain when short, else scientific and cut, so that no value a
     * sender chose can make a message long.
     */
    public static String describe(BigDecimal value) {
        if (value.precision() <= 40 && value.scale() >= -20 && value.scale() <= 40) {
            return value.toPlainString();
        }
        String s = value.toString();
        return s.length() <= 60 ? s : s.substring(0, 30) + "…" + s.substring(s.length() - 20);
    }
}
