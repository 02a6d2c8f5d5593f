package dev.agentmeter.model;

import java.math.BigDecimal;

/**
 * A service tier's prices within a price entry: the same fields as the standard price, its own
 * long-context tier included. A null price follows the contract's fallback chain within the tier
 * (one-hour cache write → cache write → input; cache read → input; reasoning → output); a tier
 * without an input or output price takes the standard one.
 */
public record TierPrice(
        BigDecimal inputPerMTok,
        BigDecimal outputPerMTok,
        BigDecimal cacheReadPerMTok,
        BigDecimal cacheWritePerMTok,
        BigDecimal cacheWrite1hPerMTok,
        BigDecimal reasoningPerMTok,
        LongContextPrice longContext)
        implements TokenPrices {}
