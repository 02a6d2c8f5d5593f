package dev.agentmeter.model;

import java.math.BigDecimal;

/** Money rules shared by every module: exact, and written without trailing zeros. */
public final class Money {

    private Money() {}

    /** The exact value in its shortest form: "0.003" not "0.003000", "5" not "5.0" or "5E+0"; zero is "0". */
    public static BigDecimal normalise(BigDecimal v) {
        if (v.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
