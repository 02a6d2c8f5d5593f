package dev.agentmeter.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract's service-tier rules, on the contract's own ModelPrice example, with exact figures. */
class ServiceTierPricingTest {

    private static final Instant TS = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final Pricer PRICER = new Pricer(new BigDecimal("3"), new BigDecimal("15"), Set.of());

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    private static PricedUsage price(String tier, Usage usage, BigDecimal providerCost) {
        return PRICER.price(
                UsageEvent.builder()
                        .eventId("e1")
                        .timestamp(TS)
                        .agent("a")
                        .provider("anthropic")
                        .model("claude-sonnet-4-5")
                        .usage(usage)
                        .serviceTier(tier)
                        .providerCostUsd(providerCost)
                        .build(),
                ContractPriceExample.CATALOG,
                TS);
    }

    private static Usage usage(long in, long out, long cacheRead, long cacheWrite, long cacheWrite1h) {
        return new Usage(in, out, cacheRead, cacheWrite, cacheWrite1h, 0, false);
    }

    @Test
    void aBatchRequestIsPricedAtTheBatchPricesAndSaysSo() {
        PricedUsage p = price("batch", usage(1000, 500, 0, 0, 0), null);

        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.00525");
        assertThat(p.pricing().serviceTier()).isEqualTo("batch");
        assertThat(p.pricing().unitPrices().inputPerMTok().toPlainString()).isEqualTo("1.50");
        assertThat(p.pricing().source()).isEqualTo(CostSource.CATALOG);
    }

    @Test
    void theBatchDiscountAppliesToCachePricesAndAOneHourWriteFallsBackToTheTiersWritePrice() {
        PricedUsage p = price("batch", usage(10_000, 0, 4000, 2000, 1000), null);

        // 4000 uncached × 1.50 + 4000 reads × 0.15 + 1000 5-min writes × 1.875 + 1000 1-h writes × 1.875 (fallback)
        assertThat(p.cost().inputUsd().toPlainString()).isEqualTo("0.006");
        assertThat(p.cost().cacheReadUsd().toPlainString()).isEqualTo("0.0006");
        assertThat(p.cost().cacheWriteUsd().toPlainString()).isEqualTo("0.00375");
        assertThat(p.pricing().unitPrices().cacheWrite1hPerMTok().toPlainString())
                .isEqualTo("1.875");
    }

    @Test
    void aBatchRequestAboveTheThresholdIsPricedAtTheBatchTiersOwnLongContextPrices() {
        PricedUsage p = price("batch", usage(300_000, 1000, 0, 0, 0), null);

        assertThat(p.pricing().longContext()).isTrue();
        assertThat(p.pricing().serviceTier()).isEqualTo("batch");
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.91125"); // 300k × 3 + 1k × 11.25
    }

    @Test
    void aTierWithoutALongContextTierStaysAtItsBasePricesAboveTheThreshold() {
        PricedUsage p = price("priority", usage(300_000, 1000, 0, 0, 0), null);

        assertThat(p.pricing().longContext()).isFalse();
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("1.3725"); // 300k × 4.5 + 1k × 22.5
        assertThat(p.pricing().unitPrices().cacheReadPerMTok().toPlainString())
                .as("cache read → the tier's input")
                .isEqualTo("4.5");
    }

    @Test
    void aTierTheCatalogLacksIsPricedAtStandardAndTheEventStillSaysWhatWasServed() {
        PricedUsage p = price("flex", usage(1000, 500, 0, 0, 0), null);

        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.0105");
        assertThat(p.pricing().serviceTier()).isEqualTo("standard");
        assertThat(p.event().serviceTier()).isEqualTo("flex");
    }

    @Test
    void noTierIsTheStandardTierAndTheStandardLongContextStillApplies() {
        PricedUsage p = price(null, usage(300_000, 1000, 0, 0, 0), null);

        assertThat(p.pricing().serviceTier()).isEqualTo("standard");
        assertThat(p.pricing().longContext()).isTrue();
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("1.8225"); // 300k × 6 + 1k × 22.50
    }

    @Test
    void aCostTheProviderReportedStillWinsAtATier() {
        PricedUsage p = price("batch", usage(1000, 500, 0, 0, 0), d("0.004"));

        assertThat(p.pricing().source()).isEqualTo(CostSource.PROVIDER);
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.004");
        assertThat(p.cost().catalogUsd().toPlainString())
                .as("our own figure, at the batch tier")
                .isEqualTo("0.00525");
        assertThat(p.pricing().serviceTier()).isEqualTo("batch");
    }
}
