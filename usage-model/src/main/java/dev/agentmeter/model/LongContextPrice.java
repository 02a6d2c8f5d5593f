package dev.agentmeter.model;

import java.math.BigDecimal;

/**
 * A long-context tier: when a request's {@code inputTokens} exceed {@code aboveInputTokens}, the
 * whole request is billed at these prices (null prices fall back within the tier).
 */
public record LongContextPrice(
        long aboveInputTokens,
        BigDecimal inputPerMTok,
        BigDecimal outputPerMTok,
        BigDecimal cacheReadPerMTok,
        BigDecimal cacheWritePerMTok,
        BigDecimal cacheWrite1hPerMTok,
        BigDecimal reasoningPerMTok)
        implements TokenPrices {}
