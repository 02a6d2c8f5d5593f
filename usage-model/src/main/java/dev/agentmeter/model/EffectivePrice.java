package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of a model's price history: prices per million tokens in force from {@code effectiveFrom}.
 * {@code serviceTiers} (optional) maps a tier name ({@link ServiceTiers}) to that tier's prices.
 */
public record EffectivePrice(
        Instant effectiveFrom,
        BigDecimal inputPerMTok,
        BigDecimal outputPerMTok,
        BigDecimal cacheReadPerMTok,
        BigDecimal cacheWritePerMTok,
        BigDecimal cacheWrite1hPerMTok,
        BigDecimal reasoningPerMTok,
        LongContextPrice longContext,
        Map<String, TierPrice> serviceTiers)
        implements TokenPrices {

    public EffectivePrice {
        serviceTiers = serviceTiers == null || serviceTiers.isEmpty() ? null : Map.copyOf(serviceTiers);
    }

    /** An entry without tier prices. */
    public EffectivePrice(
            Instant effectiveFrom,
            BigDecimal inputPerMTok,
            BigDecimal outputPerMTok,
            BigDecimal cacheReadPerMTok,
            BigDecimal cacheWritePerMTok,
            BigDecimal cacheWrite1hPerMTok,
            BigDecimal reasoningPerMTok,
            LongContextPrice longContext) {
        this(
                effectiveFrom,
                inputPerMTok,
                outputPerMTok,
                cacheReadPerMTok,
                cacheWritePerMTok,
                cacheWrite1hPerMTok,
                reasoningPerMTok,
                longContext,
                null);
    }

    /** The prices of {@code tier}, or null when this entry has none for it. */
    public TierPrice tier(String tier) {
        return serviceTiers == null || tier == null ? null : serviceTiers.get(tier);
    }
}
