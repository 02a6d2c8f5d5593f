package dev.agentmeter.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.UnitPrices;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every pricing rule of the contract, with exact decimal strings. */
class PricerTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30.456Z");
    private static final Instant TS = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final PriceCatalog BUNDLED = new PriceCatalog(BundledCatalog.load());
    private final Pricer pricer = new Pricer(new BigDecimal("3"), new BigDecimal("15"), Set.of("lmstudio", "ollama"));

    private static UsageEvent llm(String model, Usage usage) {
        return UsageEvent.builder()
                .eventId("e1")
                .timestamp(TS)
                .agent("a")
                .model(model)
                .usage(usage)
                .build();
    }

    private static Usage usage(long in, long out, long cacheRead, long cacheWrite, long cacheWrite1h, long reasoning) {
        return new Usage(in, out, cacheRead, cacheWrite, cacheWrite1h, reasoning, false);
    }

    private PricedUsage price(UsageEvent e) {
        return pricer.price(e, BUNDLED, NOW);
    }

    private static List<String> costs(PricedUsage p) {
        var c = p.cost();
        return List.of(
                c.inputUsd().toPlainString(),
                c.outputUsd().toPlainString(),
                c.cacheReadUsd().toPlainString(),
                c.cacheWriteUsd().toPlainString(),
                c.totalUsd().toPlainString(),
                c.catalogUsd().toPlainString());
    }

    private static List<String> units(UnitPrices u) {
        List<String> out = new ArrayList<>();
        for (BigDecimal b : List.of(
                u.inputPerMTok(),
                u.outputPerMTok(),
                u.cacheReadPerMTok(),
                u.cacheWritePerMTok(),
                u.cacheWrite1hPerMTok(),
                u.reasoningPerMTok())) {
            out.add(b.toPlainString());
        }
        return out;
    }

    @Test
    void contractExampleBedrockSonnetCostsTenAndAHalfMillicents() {
        PricedUsage p = price(llm("anthropic.claude-sonnet-4-5-20250929-v1:0", usage(1000, 500, 0, 0, 0, 0)));

        assertThat(costs(p)).containsExactly("0.003", "0.0075", "0", "0", "0.0105", "0.0105");
        assertThat(p.pricing().modelKey()).isEqualTo("claude-sonnet-4-5");
        assertThat(p.pricing().company()).isEqualTo("Anthropic");
        assertThat(p.pricing().source()).isEqualTo(CostSource.CATALOG);
        assertThat(p.pricing().priceEffectiveFrom()).isEqualTo(Instant.parse("2025-09-29T00:00:00Z"));
        assertThat(p.pricing().longContext()).isFalse();
        assertThat(p.pricing().currency()).isEqualTo("USD");
        assertThat(units(p.pricing().unitPrices())).containsExactly("3", "15", "0.3", "3.75", "6", "15");
        assertThat(p.pricedAt()).isEqualTo(NOW);
    }

    @Test
    void cacheReadsAndFiveMinuteAndOneHourWritesArePricedSeparately() {
        PricedUsage p = price(llm("claude-sonnet-4-5", usage(20050, 420, 18000, 2000, 500, 0)));

        // input 50×3, cache read 18000×0.3, writes 1500×3.75 + 500×6, output 420×15 (per million)
        assertThat(costs(p)).containsExactly("0.00015", "0.0063", "0.0054", "0.008625", "0.020475", "0.020475");
    }

    @Test
    void reasoningWithoutItsOwnPriceIsBilledAsOutput() {
        PricedUsage p = price(llm("gpt-5", usage(1000, 2000, 0, 0, 0, 1500)));

        assertThat(costs(p)).containsExactly("0.00125", "0.02", "0", "0", "0.02125", "0.02125");
        assertThat(p.pricing().unitPrices().reasoningPerMTok()).isEqualByComparingTo("10");
    }

    @Test
    void reasoningWithItsOwnPriceIsBilledAtIt() {
        PriceCatalog catalog = new PriceCatalog(List.of(new ModelPrice(
                "thinker",
                "X",
                List.of(),
                List.of(new EffectivePrice(
                        Instant.EPOCH,
                        new BigDecimal("1"),
                        new BigDecimal("4"),
                        null,
                        null,
                        null,
                        new BigDecimal("8"),
                        null)))));
        PricedUsage p = pricer.price(llm("thinker", usage(1_000_000, 1_000_000, 0, 0, 0, 250_000)), catalog, NOW);

        // output: 750k × 4 + 250k × 8 = 3 + 2
        assertThat(costs(p)).containsExactly("1", "5", "0", "0", "6", "6");
    }

    @Test
    void missingCachePricesFallBackToInput() {
        PricedUsage p = price(llm("gpt-4-turbo", usage(3000, 0, 1000, 1000, 400, 0)));

        // gpt-4-turbo lists no cache prices: everything at input 10/M
        assertThat(costs(p)).containsExactly("0.01", "0", "0.01", "0.01", "0.03", "0.03");
        assertThat(units(p.pricing().unitPrices())).containsExactly("10", "30", "10", "10", "10", "30");
    }

    @Test
    void oneHourWritesFallBackToFiveMinuteWrites() {
        PriceCatalog catalog = new PriceCatalog(List.of(new ModelPrice(
                "m",
                "X",
                List.of(),
                List.of(new EffectivePrice(
                        Instant.EPOCH,
                        new BigDecimal("2"),
                        new BigDecimal("4"),
                        new BigDecimal("0.2"),
                        new BigDecimal("2.5"),
                        null,
                        null,
                        null)))));
        PricedUsage p = pricer.price(llm("m", usage(1000, 0, 0, 1000, 600, 0)), catalog, NOW);

        assertThat(p.cost().cacheWriteUsd().toPlainString()).isEqualTo("0.0025");
        assertThat(p.pricing().unitPrices().cacheWrite1hPerMTok()).isEqualByComparingTo("2.5");
    }

    @Test
    void aboveTheLongContextThresholdTheWholeRequestUsesTierPrices() {
        PricedUsage p = price(llm("claude-sonnet-4-5", usage(250_000, 1000, 100_000, 0, 0, 0)));

        // input 150k×6, cache read 100k×0.6, output 1000×22.5
        assertThat(costs(p)).containsExactly("0.9", "0.0225", "0.06", "0", "0.9825", "0.9825");
        assertThat(p.pricing().longContext()).isTrue();
        assertThat(units(p.pricing().unitPrices())).containsExactly("6", "22.5", "0.6", "7.5", "12", "22.5");
    }

    @Test
    void atExactlyTheThresholdTheBasePriceApplies() {
        PricedUsage p = price(llm("claude-sonnet-4-5", usage(200_000, 0, 0, 0, 0, 0)));

        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.6");
        assertThat(p.pricing().longContext()).isFalse();
    }

    @Test
    void providerReportedCostIsBilledAndOurFigureKeptForReconciliation() {
        UsageEvent e = llm("anthropic/claude-sonnet-4.5", usage(10450, 812, 8192, 1024, 0, 256)).toBuilder()
                .provider("openrouter")
                .providerCostUsd(new BigDecimal("0.04355175"))
                .build();
        PricedUsage p = price(e);

        assertThat(p.pricing().source()).isEqualTo(CostSource.PROVIDER);
        assertThat(p.pricing().modelKey()).isEqualTo("claude-sonnet-4-5");
        // ours: 1234×3 + 8192×0.3 + 1024×3.75 + 812×15 per million
        assertThat(costs(p)).containsExactly("0.003702", "0.01218", "0.0024576", "0.00384", "0.04355175", "0.0221796");
    }

    @Test
    void providerCostWinsOverAFreeProvider() {
        UsageEvent e = llm("llama3", usage(10, 10, 0, 0, 0, 0)).toBuilder()
                .provider("ollama")
                .providerCostUsd(new BigDecimal("0.5"))
                .build();
        assertThat(price(e).pricing().source()).isEqualTo(CostSource.PROVIDER);
        assertThat(price(e).cost().totalUsd().toPlainString()).isEqualTo("0.5");
    }

    @Test
    void freeProviderCostsNothing() {
        PricedUsage p = price(llm("gpt-4o", usage(5000, 1000, 0, 0, 0, 0)).toBuilder()
                .provider("LMStudio")
                .build());

        assertThat(p.pricing().source()).isEqualTo(CostSource.FREE);
        assertThat(costs(p)).containsExactly("0", "0", "0", "0", "0", "0");
    }

    @Test
    void aModelWhosePricesAreAllZeroIsFree() {
        PriceCatalog catalog = new PriceCatalog(List.of(new ModelPrice(
                "local-llama",
                "Meta",
                List.of(),
                List.of(new EffectivePrice(
                        Instant.EPOCH, BigDecimal.ZERO, BigDecimal.ZERO, null, null, null, null, null)))));
        PricedUsage p = pricer.price(llm("local-llama", usage(100, 100, 0, 0, 0, 0)), catalog, NOW);

        assertThat(p.pricing().source()).isEqualTo(CostSource.FREE);
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0");
    }

    @Test
    void unknownModelGetsTheDefaultPrice() {
        PricedUsage p = price(llm("my-private-model", usage(1000, 1000, 0, 0, 0, 0)));

        assertThat(p.pricing().source()).isEqualTo(CostSource.DEFAULT);
        assertThat(p.pricing().modelKey()).isNull();
        assertThat(costs(p)).containsExactly("0.003", "0.015", "0", "0", "0.018", "0.018");
        assertThat(units(p.pricing().unitPrices())).containsExactly("3", "15", "3", "3", "3", "15");
    }

    @Test
    void apiCallsCostWhatTheyReported() {
        UsageEvent e = UsageEvent.builder()
                .eventId("e")
                .timestamp(TS)
                .agent("a")
                .kind("api")
                .api(new ApiCall("serpapi", "/search", 200, new BigDecimal("0.005")))
                .build();
        PricedUsage p = price(e);

        assertThat(p.pricing().source()).isEqualTo(CostSource.API);
        assertThat(costs(p)).containsExactly("0", "0", "0", "0", "0.005", "0.005");
    }

    @Test
    void thePriceInForceAtTheEventTimestampApplies() {
        ModelPrice m = new ModelPrice(
                "m",
                "X",
                List.of(),
                List.of(
                        new EffectivePrice(
                                Instant.parse("2026-01-01T00:00:00Z"),
                                new BigDecimal("2"),
                                new BigDecimal("8"),
                                null,
                                null,
                                null,
                                null,
                                null),
                        new EffectivePrice(
                                Instant.parse("2026-06-01T00:00:00Z"),
                                new BigDecimal("1"),
                                new BigDecimal("4"),
                                null,
                                null,
                                null,
                                null,
                                null)));
        PriceCatalog catalog = new PriceCatalog(List.of(m));
        UsageEvent before = llm("m", usage(1_000_000, 0, 0, 0, 0, 0)).toBuilder()
                .timestamp(Instant.parse("2026-05-31T23:59:59.999Z"))
                .build();
        UsageEvent after = before.toBuilder()
                .timestamp(Instant.parse("2026-06-01T00:00:00Z"))
                .build();
        UsageEvent beforeAll = before.toBuilder()
                .timestamp(Instant.parse("2025-01-01T00:00:00Z"))
                .build();

        assertThat(pricer.price(before, catalog, NOW).cost().totalUsd().toPlainString())
                .isEqualTo("2");
        assertThat(pricer.price(after, catalog, NOW).cost().totalUsd().toPlainString())
                .isEqualTo("1");
        assertThat(pricer.price(after, catalog, NOW).pricing().priceEffectiveFrom())
                .isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
        // Before the first entry the earliest known price is used rather than the default.
        assertThat(pricer.price(beforeAll, catalog, NOW).cost().totalUsd().toPlainString())
                .isEqualTo("2");
    }

    @Test
    void modelsAreFoundByKeyAliasAndNormalisedName() {
        assertThat(BUNDLED.find("gpt-4o").orElseThrow().modelKey()).isEqualTo("gpt-4o");
        assertThat(BUNDLED.find("claude-sonnet-4-5-20250929").orElseThrow().modelKey())
                .isEqualTo("claude-sonnet-4-5");
        assertThat(BUNDLED.find("GPT-4O").orElseThrow().modelKey()).isEqualTo("gpt-4o");
        assertThat(BUNDLED.find("gpt-4o-2024-08-06").orElseThrow().modelKey()).isEqualTo("gpt-4o");
        assertThat(BUNDLED.find("anthropic/claude-sonnet-4.5").orElseThrow().modelKey())
                .isEqualTo("claude-sonnet-4-5");
        assertThat(BUNDLED.find("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
                        .orElseThrow()
                        .modelKey())
                .isEqualTo("claude-sonnet-4-5");
        assertThat(BUNDLED.find("openai/gpt-4.1-mini").orElseThrow().modelKey()).isEqualTo("gpt-4.1-mini");
        assertThat(BUNDLED.find("meta.llama3-3-70b-instruct-v1:0").orElseThrow().modelKey())
                .isEqualTo("meta.llama3-3-70b-instruct-v1:0");
        assertThat(BUNDLED.find("gpt-4o-mini").orElseThrow().modelKey()).isEqualTo("gpt-4o-mini");
        assertThat(BUNDLED.find("claude-sonnet-4"))
                .get()
                .extracting(ModelPrice::modelKey)
                .isEqualTo("claude-sonnet-4");
        assertThat(BUNDLED.find("totally-unknown")).isEmpty();
    }

    @Test
    void bundledCatalogHasEveryReferenceModelWithAnthropicOneHourWritesAtTwiceInput() {
        // 46 reference models and the Bedrock regional entries of the nine Claude models billed more there
        assertThat(BUNDLED.size()).isEqualTo(46 + 9);
        var opus = BUNDLED.find("claude-opus-4-5").orElseThrow().prices().get(0);
        assertThat(opus.cacheWrite1hPerMTok()).isEqualByComparingTo("10");
        assertThat(opus.effectiveFrom()).isEqualTo(Instant.parse("2025-11-01T00:00:00Z"));
        var gpt4o = BUNDLED.find("gpt-4o").orElseThrow().prices().get(0);
        assertThat(gpt4o.cacheWrite1hPerMTok()).isNull();
    }

    @Test
    void normalisationStripsPrefixesAndVersionSuffixes() {
        assertThat(ModelNames.normalise("anthropic.claude-sonnet-4-5-20250929-v1:0"))
                .isEqualTo("claude-sonnet-4-5");
        assertThat(ModelNames.normalise("vertex_ai/claude-opus-4-1@20250805")).isEqualTo("claude-opus-4-1");
        assertThat(ModelNames.normalise("openrouter/anthropic/claude-sonnet-4.5"))
                .isEqualTo("claude-sonnet-4-5");
        assertThat(ModelNames.normalise("eu.amazon.nova-pro-v1:0")).isEqualTo("nova-pro");
        assertThat(ModelNames.normalise("models/gemini-2.5-pro")).isEqualTo("gemini-2-5-pro");
        assertThat(ModelNames.normalise("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
    }
}
