package dev.agentmeter.model;

import java.time.Instant;

/**
 * How a record was priced: which catalog entry, which rule, which prices. {@code serviceTier}: the
 * tier whose prices were applied ({@code standard} when the catalog has no entry for the event's
 * tier; the event's own {@code serviceTier} still says what was served).
 */
public record Pricing(
        String modelKey,
        String company,
        String provider,
        CostSource source,
        Instant priceEffectiveFrom,
        boolean longContext,
        String serviceTier,
        String currency,
        UnitPrices unitPrices) {

    public static final String USD = "USD";

    /** A pricing without a tier named (records written before tiers). */
    public Pricing(
            String modelKey,
            String company,
            String provider,
            CostSource source,
            Instant priceEffectiveFrom,
            boolean longContext,
            String currency,
            UnitPrices unitPrices) {
        this(modelKey, company, provider, source, priceEffectiveFrom, longContext, null, currency, unitPrices);
    }
}
