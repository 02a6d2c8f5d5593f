package dev.agentmeter.model;

import java.time.Instant;

/**
 * A record on {@code agentmeter.usage.priced}. On the wire it is the UsageEvent's fields unchanged
 * plus {@code pricing}, {@code cost}, {@code pricedAt} and {@code truncated} at the same level (see
 * {@code ContractJson}, which flattens and splits it). {@code truncated} says that the event's text
 * was cut on its way (by its sender or by the processor); the event inside carries no flag of its
 * own, so the record has the field once.
 */
public record PricedUsage(UsageEvent event, Pricing pricing, Cost cost, Instant pricedAt, boolean truncated) {

    public PricedUsage {
        if (event != null && event.truncated() != null) {
            truncated |= event.truncated();
            event = event.toBuilder().truncated(null).build();
        }
    }

    /** Truncated as the event says. */
    public PricedUsage(UsageEvent event, Pricing pricing, Cost cost, Instant pricedAt) {
        this(event, pricing, cost, pricedAt, false);
    }
}
