package dev.agentmeter.model;

import java.math.BigDecimal;

/** WARNING below the full budget, EXCEEDED at or above it. */
public enum AlertLevel {
    WARNING, EXCEEDED;

    public static AlertLevel forThreshold(BigDecimal threshold) {
        return threshold.compareTo(BigDecimal.ONE) >= 0 ? EXCEEDED : WARNING;
    }
}
