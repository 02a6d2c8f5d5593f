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
        Instant last = lastEventAt == null || d.timestamp().isAfter(lastEventAt) ? d.timestamp() : lastEventAt;
        return new SpendAggregate(windowStart, windowEnd, Money.normalise(spendUsd.add(d.costUsd())), events + 1,
                inputTokens + d.inputTokens(), outputTokens + d.outputTokens(), cacheReadTokens + d.cacheReadTokens(),
                cacheWriteTokens + d.cacheWriteTokens(), reasoningTokens + d.reasoningTokens(),
                errors + (d.error() ? 1 : 0), last);
    }
}
