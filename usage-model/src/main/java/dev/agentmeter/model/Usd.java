package dev.agentmeter.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Money for people: cents, and more digits only below a cent (two significant ones). Only what a
 * person reads is rounded; JSON and CSV carry the exact decimal ({@link #exact}).
 */
public final class Usd {

    private static final BigDecimal CENT = new BigDecimal("0.01");

    private Usd() {}

    /** {@code $6.69} for 6.6932935067, {@code $0.0075} for 0.0075, {@code $0.00012} for 0.000123, {@code $0.00} for 0. */
    public static String human(BigDecimal usd) {
        if (usd == null) {
            return "–";
        }
        BigDecimal abs = usd.abs();
        String sign = usd.signum() < 0 ? "-" : "";
        if (abs.signum() == 0 || abs.compareTo(CENT) >= 0) {
            return sign + "$" + abs.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        }
        return sign + "$"
                + abs.round(new MathContext(2, RoundingMode.HALF_EVEN))
                        .stripTrailingZeros()
                        .toPlainString();
    }

    /** The exact value as a plain decimal string, without trailing zeros ("0" for zero). */
    public static String exact(BigDecimal usd) {
        return usd == null ? "" : Money.normalise(usd).toPlainString();
    }
}
