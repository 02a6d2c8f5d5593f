package dev.agentmeter.model;

import java.math.BigDecimal;

/**
 * The six prices per million tokens a price entry, a service tier, a long-context tier and the
 * prices applied to a record all carry, under the same names: what the fallback chain and the
 * bounds check read, whichever of them they are given.
 */
public interface TokenPrices {

    BigDecimal inputPerMTok();

    BigDecimal outputPerMTok();

    BigDecimal cacheReadPerMTok();

    BigDecimal cacheWritePerMTok();

    BigDecimal cacheWrite1hPerMTok();

    BigDecimal reasoningPerMTok();
}
