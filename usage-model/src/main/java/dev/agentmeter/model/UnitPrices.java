package dev.agentmeter.model;

import java.math.BigDecimal;

/** Per-million-token prices actually applied to one record (after fallback), so any row can be audited. */
public record UnitPrices(
        BigDecimal inputPerMTok,
        BigDecimal outputPerMTok,
        BigDecimal cacheReadPerMTok,
        BigDecimal cacheWritePerMTok,
        BigDecimal cacheWrite1hPerMTok,
        BigDecimal reasoningPerMTok)
        implements TokenPrices {}
