package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import java.math.BigDecimal;
import java.time.Instant;

/** What one priced event adds to a scope's aggregates: the slim record sent through the by-scope repartition. */
public record SpendDelta(
        String eventId,
        Instant timestamp,
        BigDecimal costUsd,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        boolean error) {

    public static SpendDelta of(PricedUsage p) {
        Usage u = p.event().usage();
        boolean error = p.event().call() != null && p.event().call().isError();
        return u == null
                ? new SpendDelta(p.event().eventId(), p.event().timestamp(), p.cost().totalUsd(), 0, 0, 0, 0, 0, error)
                : new SpendDelta(p.event().eventId(), p.event().timestamp(), p.cost().totalUsd(), u.inputTokens(),
                        u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens(), error);
    }
}
