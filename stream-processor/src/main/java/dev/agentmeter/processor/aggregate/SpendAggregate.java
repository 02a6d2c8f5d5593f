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

    /** This window with {@code other}'s spend added (its window bounds kept); {@code other} null adds nothing. */
    public SpendAggregate merge(SpendAggregate other) {
        if (other == null) {
            return this;
        }
        Instant last = lastEventAt == null || (other.lastEventAt != null && other.lastEventAt.isAfter(lastEventAt))
                ? other.lastEventAt
                : lastEventAt;
        return new SpendAggregate(
                windowStart,
                windowEnd,
                Money.normalise(spendUsd.add(other.spendUsd)),
                events + other.events,
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens,
                cacheWriteTokens + other.cacheWriteTokens,
                reasoningTokens + other.reasoningTokens,
                errors + other.errors,
                last);
    }

    public SpendAggregate add(SpendDelta d) {
        Instant last = lastEventAt == null || d.lastAt().isAfter(lastEventAt) ? d.lastAt() : lastEventAt;
        return new SpendAggregate(
                windowStart,
                windowEnd,
                Money.normalise(spendUsd.add(d.costUsd())),
                events + d.events(),
                inputTokens + d.inputTokens(),
                outputTokens + d.outputTokens(),
                cacheReadTokens + d.cacheReadTokens(),
                cacheWriteTokens + d.cacheWriteTokens(),
                reasoningTokens + d.reasoningTokens(),
                errors + d.errors(),
                last);
    }
}
