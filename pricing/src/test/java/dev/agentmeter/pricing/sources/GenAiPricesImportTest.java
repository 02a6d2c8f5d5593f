package dev.agentmeter.pricing.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.sources.PriceImport.Kind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The import against the real data of @pydantic/genai-prices 0.1.8 (pinned in test resources, see its README). */
class GenAiPricesImportTest {

    static final String PINNED = "/genai-prices/data-0.1.8.json.gz";
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static byte[] data;
    static SourceCatalog source;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = new GZIPInputStream(GenAiPricesImportTest.class.getResourceAsStream(PINNED))) {
            data = in.readAllBytes();
        }
        source = PriceImport.read(data, "auto", Set.of());
    }

    private static PriceImport.Plan plan(List<ModelPrice> live, boolean onlyNew, Set<String> models) {
        return PriceImport.plan(live, source, NOW, onlyNew, models);
    }

    @Test
    void againstTheBundledCatalogMostModelsAgreeAndTheSevenThatDifferAreNamed() {
        PriceImport.Plan p = plan(BundledCatalog.load(), false, Set.of());

        assertThat(source.format()).isEqualTo("genai-prices");
        assertThat(p.count(Kind.NEW)).isEqualTo(237);
        assertThat(p.count(Kind.UNCHANGED)).isEqualTo(37);
        assertThat(p.count(Kind.REMOVED)).isZero();
        assertThat(p.changes().stream()
                        .filter(c -> c.kind() == Kind.CHANGED)
                        .map(c -> c.modelKey() + " ← " + c.source()))
                .containsExactly(
                        "amazon.nova-lite-v1:0 ← aws/amazon.nova-lite-v1:0",
                        "amazon.nova-micro-v1:0 ← aws/amazon.nova-micro-v1:0",
                        "amazon.nova-pro-v1:0 ← aws/amazon.nova-pro-v1:0",
                        "claude-sonnet-4 ← anthropic/claude-sonnet-4-0",
                        "grok-4 ← x-ai/grok-4-0709",
                        "mistral-large-latest ← mistral/mistral-large",
                        "mistral-small-latest ← mistral/mistral-small-latest");
    }

    @Test
    void theMakersPriceWinsOverAReseller() {
        assertThat(plan(BundledCatalog.load(), false, Set.of()).changes().stream()
                        .filter(c -> c.modelKey().equals("claude-3-7-sonnet"))
                        .map(PriceImport.Change::source))
                .containsExactly("anthropic/claude-3-7-sonnet-latest");
    }

    @Test
    void aChangedPriceIsANewEntryFromTheImportAndThePastStays() {
        PriceImport.Plan p = plan(BundledCatalog.load(), false, Set.of("mistral-large-latest"));

        ModelPrice published = p.toPublish().get(0);
        assertThat(published.modelKey()).isEqualTo("mistral-large-latest");
        assertThat(published.prices())
                .extracting(EffectivePrice::effectiveFrom)
                .containsExactly(BundledCatalog.EARLY, NOW);
        assertThat(published.prices().get(0).inputPerMTok()).hasToString("0.5");
        assertThat(published.prices().get(1).inputPerMTok()).hasToString("2");
        assertThat(published.prices().get(1).outputPerMTok()).hasToString("6");
    }

    @Test
    void aNewModelKeepsTheSourcesDatesAndItsLongContextTier() {
        PriceImport.Plan p = plan(BundledCatalog.load(), false, Set.of("gemini-3.6-flash", "gpt-5.6-sol"));

        Map<String, ModelPrice> byKey = new LinkedHashMap<>();
        p.toPublish().forEach(m -> byKey.put(m.modelKey(), m));
        assertThat(byKey.get("gemini-3.6-flash").prices())
                .extracting(e -> e.effectiveFrom() + " " + e.inputPerMTok() + "/" + e.outputPerMTok())
                .containsExactly("2020-01-01T00:00:00Z 0.75/3.75", "2027-01-01T00:00:00Z 1.5/7.5");
        EffectivePrice sol = byKey.get("gpt-5.6-sol").prices().get(0);
        assertThat(sol.longContext().aboveInputTokens()).isEqualTo(271_999);
        assertThat(sol.longContext().inputPerMTok()).hasToString("10");
        assertThat(sol.cacheWritePerMTok()).hasToString("6.25");
    }

    @Test
    void reImportingWhatWasPublishedChangesNothing() {
        Map<String, ModelPrice> live = new LinkedHashMap<>();
        BundledCatalog.load().forEach(m -> live.put(m.modelKey(), m));
        plan(List.copyOf(live.values()), false, Set.of()).toPublish().forEach(m -> live.put(m.modelKey(), m));

        PriceImport.Plan again = plan(List.copyOf(live.values()), false, Set.of());

        assertThat(again.count(Kind.NEW)).isZero();
        assertThat(again.count(Kind.CHANGED)).isZero();
        assertThat(again.toPublish()).isEmpty();
    }

    @Test
    void onlyNewLeavesKnownModelsAlone() {
        PriceImport.Plan p = plan(BundledCatalog.load(), true, Set.of());

        assertThat(p.count(Kind.CHANGED)).isZero();
        assertThat(p.toPublish()).hasSize(237);
    }

    @Test
    void modelsPricedByTimeOfDayAreLeftOutWithTheReasonAndNotReportedRemoved() {
        assertThat(source.skipped()).contains("deepseek/deepseek-chat: priced by time of day (time_of_date)");
        assertThat(plan(BundledCatalog.load(), false, Set.of()).changes())
                .noneMatch(c -> c.modelKey().equals("deepseek-chat"));
    }

    @Test
    void aTruncatedDocumentIsRefusedAndSaysWhy() {
        byte[] half = Arrays.copyOf(data, data.length / 2);

        assertThatThrownBy(() -> PriceImport.read(half, "auto", Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON");
    }

    @Test
    void aNegativePriceRefusesTheWholeDocument() {
        byte[] bad =
                ("[{\"id\":\"openai\",\"name\":\"OpenAI\",\"models\":[{\"id\":\"gpt-x\",\"match\":{\"equals\":\"gpt-x\"},"
                                + "\"prices\":{\"input_mtok\":-1,\"output_mtok\":2}}]}]")
                        .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> PriceImport.read(bad, "auto", Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openai/gpt-x.input_mtok is negative: -1");
    }

    @Test
    void aProviderTheDataLacksIsNamed() {
        assertThatThrownBy(() -> PriceImport.read(data, "genai-prices", Set.of("openia")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no provider 'openia' in the genai-prices data");
    }
}
