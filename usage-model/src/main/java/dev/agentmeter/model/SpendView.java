package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The processor's answer to a spend query ({@code GET /v1/spend/...}), read by the CLI and the dashboard: zero, not absent, for a scope that spent nothing. */
public record SpendView(
        String scope,
        String period,
        Instant windowStart,
        Instant windowEnd,
        BigDecimal spendUsd,
        long events,
        Tokens tokens,
        long errors,
        BigDecimal limitUsd,
        BigDecimal remainingUsd,
        List<BigDecimal> thresholdsCrossed) {

    public record Tokens(long input, long output, long cacheRead, long cacheWrite, long reasoning) {}
}
