package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;

/** One entry of a model's price history: prices per million tokens in force from {@code effectiveFrom}. */
public record EffectivePrice(
        Instant effectiveFrom,
        BigDecimal inputPerMTok,
        BigDecimal outputPerMTok,
        BigDecimal cacheReadPerMTok,
        BigDecimal cacheWritePerMTok,
        BigDecimal cacheWrite1hPerMTok,
        BigDecimal reasoningPerMTok,
        LongContextPrice longContext) {
}
