package dev.agentmeter.model;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A budget on the compacted {@code agentmeter.budgets} topic, keyed by scope. */
public record Budget(Scope scope, Map<Period, BigDecimal> limits, List<BigDecimal> thresholds) {

    /** Used when a budget names no thresholds. */
    public static final List<BigDecimal> DEFAULT_THRESHOLDS =
            List.of(new BigDecimal("0.5"), new BigDecimal("0.8"), new BigDecimal("1.0"));

    public Budget {
        limits = limits == null || limits.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(limits));
        thresholds = thresholds == null || thresholds.isEmpty()
                ? DEFAULT_THRESHOLDS
                : thresholds.stream().sorted().toList();
    }
}
