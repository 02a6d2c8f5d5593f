package dev.agentmeter.pricing;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.TierPrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The contract's ModelPrice example as a catalog, for the tests and the benchmark that price against it. */
public final class ContractPriceExample {

    private ContractPriceExample() {}

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    /** The contract's example: standard 3/15 with a long-context tier above 200k, batch at half, its own long context. */
    public static final PriceCatalog CATALOG = new PriceCatalog(List.of(new ModelPrice(
            "claude-sonnet-4-5",
            "Anthropic",
            List.of("anthropic.claude-sonnet-4-5-20250929-v1:0"),
            List.of(new EffectivePrice(
                    Instant.parse("2025-09-29T00:00:00Z"),
                    d("3"),
                    d("15"),
                    d("0.30"),
                    d("3.75"),
                    d("6"),
                    null,
                    new LongContextPrice(200_000, d("6"), d("22.50"), d("0.60"), d("7.50"), null, null),
                    Map.of(
                            "batch",
                            new TierPrice(
                                    d("1.50"),
                                    d("7.50"),
                                    d("0.15"),
                                    d("1.875"),
                                    null,
                                    null,
                                    new LongContextPrice(
                                            200_000, d("3"), d("11.25"), d("0.30"), d("3.75"), null, null)),
                            "priority",
                            new TierPrice(d("4.5"), d("22.5"), null, null, null, null, null)))))));
}
