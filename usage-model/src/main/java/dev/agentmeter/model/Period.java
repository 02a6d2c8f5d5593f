package dev.agentmeter.model;

/**
 * Budget and aggregation periods. HOUR, DAY and MONTH are calendar windows in the configured zone;
 * SESSION is the lifetime of one session (scope type {@code session} only).
 */
public enum Period {
    HOUR,
    DAY,
    MONTH,
    SESSION
}
