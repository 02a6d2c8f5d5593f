package dev.agentmeter.model;

import java.math.BigDecimal;

/**
 * WARNING below the full budget, EXCEEDED at or above it; FORECAST when spend is heading past the
 * limit before the window ends; RESOLVED when a budget change un-crossed an alerted threshold.
 */
public enum AlertLevel {
    WARNING,
    EXCEEDED,
    FORECAST,
    RESOLVED;

    public static AlertLevel forThreshold(BigDecimal threshold) {
        return threshold.compareTo(BigDecimal.ONE) >= 0 ? EXCEEDED : WARNING;
    }
}
