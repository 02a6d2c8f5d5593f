package dev.agentmeter.model;

import java.math.BigDecimal;

/**
 * Exact cost parts in USD. {@code totalUsd} is the billed figure; {@code catalogUsd} is our own
 * figure from the catalog, kept for reconciliation when the provider reported the cost.
 */
public record Cost(
        BigDecimal inputUsd,
        BigDecimal outputUsd,
        BigDecimal cacheReadUsd,
        BigDecimal cacheWriteUsd,
        BigDecimal totalUsd,
        BigDecimal catalogUsd) {

    public static final Cost ZERO = new Cost(
            BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
}
