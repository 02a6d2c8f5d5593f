package dev.agentmeter.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A catalog entry on the compacted {@code agentmeter.prices} topic, keyed by {@code modelKey}. */
public record ModelPrice(String modelKey, String company, List<String> aliases, List<EffectivePrice> prices) {

    public ModelPrice {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        prices = prices == null
                ? List.of()
                : prices.stream()
                        .sorted(Comparator.comparing(
                                EffectivePrice::effectiveFrom, Comparator.nullsFirst(Comparator.naturalOrder())))
                        .toList();
    }

    /** The price in force at {@code at}: the latest entry whose {@code effectiveFrom} is not after it. */
    public Optional<EffectivePrice> priceAt(Instant at) {
        EffectivePrice found = null;
        for (EffectivePrice p : prices) {
            if (p.effectiveFrom() == null || !p.effectiveFrom().isAfter(at)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }
}
