package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Money;
import java.math.BigDecimal;
import java.time.Instant;

/** Spend of one scope in one window. {@code windowEnd} is null for an open SESSION window. */
public record SpendAggregate(
        Instant windowStart,
        Instant windowEnd,
        BigDecimal spendUsd,
        long events,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long errors,
        Instant lastEventAt) {

    public static SpendAggregate empty(Instant windowStart, Instant windowEnd) {
        return new SpendAggregate(windowStart, windowEnd, BigDecimal.ZERO, 0, 0, 0, 0, 0, 0, 0, null);
    }

    public SpendAggregate add(SpendDelta d) {
        Instant last = lastEventAt == null || d.lastAt().isAfter(lastEventAt) ? d.lastAt() : lastEventAt;
        return new SpendAggregate(windowStart, windowEnd, Money.normalise(spendUsd.add(d.costUsd())), events + d.events(),
                inputTokens + d.inputTokens(), outputTokens + d.outputTokens(), cacheReadTokens + d.cacheReadTokens(),
                cacheWriteTokens + d.cacheWriteTokens(), reasoningTokens + d.reasoningTokens(),
                errors + d.errors(), last);
    }
}
