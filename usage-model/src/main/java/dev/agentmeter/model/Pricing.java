package dev.agentmeter.model;

import java.time.Instant;

/** How a record was priced: which catalog entry, which rule, which prices. */
public record Pricing(
        String modelKey,
        String company,
        String provider,
        CostSource source,
        Instant priceEffectiveFrom,
        boolean longContext,
        String currency,
        UnitPrices unitPrices) {

    public static final String USD = "USD";
}
