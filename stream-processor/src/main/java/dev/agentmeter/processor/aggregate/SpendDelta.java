package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one or more priced events add to a scope's aggregates: the slim record sent through the
 * by-scope repartition. {@link DeltaCombiner} merges the events of one scope and one clock hour
 * into one delta between two flushes; {@code lastEventId} is the event added last (it becomes an
 * alert's {@code triggeringEventId}), {@code firstAt}/{@code lastAt} bound the events' timestamps.
 */
public record SpendDelta(
        String lastEventId,
        Instant firstAt,
        Instant lastAt,
        BigDecimal costUsd,
        long events,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long errors) {

    public static SpendDelta of(PricedUsage p) {
        Usage u = p.event().usage();
        long error = p.event().call() != null && p.event().call().isError() ? 1 : 0;
        Instant at = p.event().timestamp();
        return u == null
                ? new SpendDelta(p.event().eventId(), at, at, p.cost().totalUsd(), 1, 0, 0, 0, 0, 0, error)
                : new SpendDelta(
                        p.event().eventId(),
                        at,
                        at,
                        p.cost().totalUsd(),
                        1,
                        u.inputTokens(),
                        u.outputTokens(),
                        u.cacheReadTokens(),
                        u.cacheWriteTokens(),
                        u.reasoningTokens(),
                        error);
    }
}
