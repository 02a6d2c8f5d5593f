package dev.agentmeter.pricing.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.sources.PriceImport.Kind;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LiteLLM's per-token floats as exact prices per million tokens, every key the import reads. */
class LiteLlmFormatTest {

    static SourceCatalog source;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = LiteLlmFormatTest.class.getResourceAsStream("/litellm/model_prices_every_key.json")) {
            source = PriceImport.read(in.readAllBytes(), "auto", Set.of());
        }
    }

    private static EffectivePrice price(String key) {
        return source.models().stream()
                .map(SourceCatalog.Model::price)
                .filter(p -> p.modelKey().equals(key))
                .findFirst()
                .orElseThrow()
                .prices()
                .get(0);
    }

    @Test
    void perTokenFloatsBecomeTheShortestExactDecimalPerMillion() {
        EffectivePrice p = price("acme-chat-1");

        assertThat(List.of(
                        p.inputPerMTok(),
                        p.outputPerMTok(),
                        p.cacheReadPerMTok(),
                        p.cacheWritePerMTok(),
                        p.cacheWrite1hPerMTok(),
                        p.reasoningPerMTok()))
                .extracting(Object::toString)
                .containsExactly("3", "15", "0.3", "3.75", "6", "0.1");
    }

    @Test
    void above200kKeysAreTheLongContextTier() {
        EffectivePrice p = price("acme-chat-1");

        assertThat(p.longContext().aboveInputTokens()).isEqualTo(200_000);
        assertThat(List.of(
                        p.longContext().inputPerMTok(),
                        p.longContext().outputPerMTok(),
                        p.longContext().cacheReadPerMTok(),
                        p.longContext().cacheWritePerMTok()))
                .extracting(Object::toString)
                .containsExactly("6", "22.5", "0.6", "7.5");
    }

    @Test
    void batchesFlexAndPriorityKeysAreServiceTiers() {
        EffectivePrice p = price("acme-chat-1");
        TierPrice batch = p.tier("batch");
        TierPrice flex = p.tier("flex");
        TierPrice priority = p.tier("priority");

        assertThat(List.of(batch.inputPerMTok(), batch.outputPerMTok()))
                .extracting(Object::toString)
                .containsExactly("1.5", "7.5");
        assertThat(List.of(flex.inputPerMTok(), flex.outputPerMTok(), flex.cacheReadPerMTok()))
                .extracting(Object::toString)
                .containsExactly("1.5", "7.5", "0.15");
        assertThat(List.of(priority.inputPerMTok(), priority.outputPerMTok(), priority.cacheReadPerMTok()))
                .extracting(Object::toString)
                .containsExactly("5.25", "26.25", "0.525");
        assertThat(priority.longContext().inputPerMTok()).hasToString("10.5");
        assertThat(p.serviceTiers()).containsOnlyKeys("batch", "flex", "priority");
    }

    @Test
    void tinyPricesStayExact() {
        assertThat(price("acme-nano").inputPerMTok()).hasToString("0.0175");
        assertThat(price("acme-nano").outputPerMTok()).hasToString("0.000001");
    }

    @Test
    void embeddingAndImageModelsAndTheSampleSpecAreNotRead() {
        assertThat(source.models())
                .extracting(m -> m.price().modelKey())
                .containsExactly(
                        "acme-chat-1", "acme-nano", "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "gpt-4o");
    }

    @Test
    void aBedrockGeographicIdFindsTheRegionalEntryNeverTheGlobalOne() {
        List<PriceImport.Change> changes = PriceImport.plan(
                        BundledCatalog.load(), source, Instant.parse("2026-12-07T12:00:00Z"), false, Set.of())
                .changes();

        assertThat(changes)
                .filteredOn(c -> "bedrock/bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0".equals(c.source()))
                .extracting(c -> c.kind() + " " + c.modelKey())
                .containsExactly("UNCHANGED claude-sonnet-4-5-bedrock-regional");
    }

    @Test
    void aModelWhoseSourceNamesNoTiersKeepsTheCatalogsTierPrices() {
        PriceImport.Plan p = PriceImport.plan(
                BundledCatalog.load(), source, Instant.parse("2026-12-07T12:00:00Z"), false, Set.of("gpt-4o"));

        ModelPrice published = p.toPublish().get(0);
        assertThat(p.changes()).extracting(PriceImport.Change::kind).containsExactly(Kind.CHANGED);
        assertThat(published.prices().get(1).inputPerMTok()).hasToString("2.25");
        assertThat(published.prices().get(1).tier("priority").inputPerMTok()).hasToString("4.25");
    }
}
