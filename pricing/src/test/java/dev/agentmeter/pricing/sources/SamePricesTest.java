package dev.agentmeter.pricing.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.TierPrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whether an import changes a price: billed prices compared after the fallback chain, numerically. */
class SamePricesTest {

    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

    private static BigDecimal d(String v) {
        return v == null ? null : new BigDecimal(v);
    }

    private static EffectivePrice price(
            String in, String out, String read, String write, String write1h, String reasoning) {
        return new EffectivePrice(FROM, d(in), d(out), d(read), d(write), d(write1h), d(reasoning), null);
    }

    @Test
    void aMissingPriceIsTheOneItFallsBackTo() {
        assertThat(PriceImport.samePrices(
                        price("3", "15", null, null, null, null), price("3.00", "15", "3", "3.0", "3", "15")))
                .isTrue();
    }

    @Test
    void aOneHourWriteFallsBackToTheWriteNotTheInput() {
        assertThat(PriceImport.samePrices(
                        price("3", "15", null, "3.75", null, null), price("3", "15", null, "3.75", "3", null)))
                .isFalse();
    }

    @Test
    void aDifferentReasoningPriceIsAChange() {
        assertThat(PriceImport.samePrices(
                        price("1.1", "4.4", null, null, null, "4.4"), price("1.1", "4.4", null, null, null, "5")))
                .isFalse();
    }

    @Test
    void tiersAndLongContextAreComparedTheSameWay() {
        LongContextPrice lc = new LongContextPrice(200_000, d("6"), d("22.5"), null, null, null, null);
        LongContextPrice lcSame = new LongContextPrice(200_000, d("6.0"), d("22.50"), d("6"), null, null, null);
        TierPrice batch = new TierPrice(d("1.5"), d("7.5"), null, null, null, null, null);
        TierPrice batchOther = new TierPrice(d("1.5"), d("7.5"), d("0.75"), null, null, null, null);
        EffectivePrice a =
                new EffectivePrice(FROM, d("3"), d("15"), null, null, null, null, lc, Map.of("batch", batch));

        assertThat(PriceImport.samePrices(
                        a,
                        new EffectivePrice(
                                FROM, d("3"), d("15"), null, null, null, null, lcSame, Map.of("batch", batch))))
                .isTrue();
        assertThat(PriceImport.samePrices(
                        a,
                        new EffectivePrice(
                                FROM, d("3"), d("15"), null, null, null, null, lc, Map.of("batch", batchOther))))
                .isFalse();
    }
}
