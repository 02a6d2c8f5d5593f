package dev.agentmeter.model;

import java.time.Instant;

/**
 * A record on {@code agentmeter.usage.priced}. On the wire it is the UsageEvent's fields unchanged
 * plus {@code pricing}, {@code cost} and {@code pricedAt} at the same level (see
 * {@code ContractJson}, which flattens and splits it).
 */
public record PricedUsage(UsageEvent event, Pricing pricing, Cost cost, Instant pricedAt) {
}
