package dev.agentmeter.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.TierPrice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What price-adjustments.json adds to the reference catalog: tier prices and Bedrock's regional profiles. */
class BundledAdjustmentsTest {

    private static final PriceCatalog BUNDLED = new PriceCatalog(BundledCatalog.load());

    private static EffectivePrice price(String model) {
        return BUNDLED.find(model).orElseThrow().prices().get(0);
    }

    @Test
    void anthropicBatchIsHalfOfEveryPriceCacheAndLongContextIncluded() {
        TierPrice batch = price("claude-sonnet-4-5").tier("batch");

        assertThat(batch.inputPerMTok()).hasToString("1.5");
        assertThat(batch.outputPerMTok()).hasToString("7.5");
        assertThat(batch.cacheReadPerMTok()).hasToString("0.15");
        assertThat(batch.cacheWritePerMTok()).hasToString("1.875");
        assertThat(batch.cacheWrite1hPerMTok()).hasToString("3");
        assertThat(batch.longContext().inputPerMTok()).hasToString("3");
        assertThat(batch.longContext().aboveInputTokens()).isEqualTo(200_000);
    }

    @Test
    void openAiFlexOnlyWhereOpenAiOffersIt() {
        assertThat(price("gpt-5").tier("flex").inputPerMTok()).hasToString("0.625");
        assertThat(price("gpt-4o").tier("flex")).isNull();
    }

    @Test
    void openAiPriorityHasItsOwnPrices() {
        TierPrice priority = price("gpt-4o").tier("priority");

        assertThat(priority.inputPerMTok()).hasToString("4.25");
        assertThat(priority.cacheReadPerMTok()).hasToString("2.125");
        assertThat(priority.outputPerMTok()).hasToString("17");
    }

    @Test
    void geminiBatchIsHalf() {
        assertThat(price("gemini-2.5-flash").tier("batch").outputPerMTok()).hasToString("1.25");
    }

    @Test
    void aGeographicProfileOfANewerClaudeCostsTenPercentMore() {
        ModelPrice regional =
                BUNDLED.find("us.anthropic.claude-sonnet-4-5-20250929-v1:0").orElseThrow();

        assertThat(regional.modelKey()).isEqualTo("claude-sonnet-4-5-bedrock-regional");
        assertThat(regional.prices().get(0).inputPerMTok()).hasToString("3.3");
        assertThat(regional.prices().get(0).cacheWritePerMTok()).hasToString("4.125");
        assertThat(regional.prices().get(0).tier("batch").inputPerMTok()).hasToString("1.65");
    }

    @Test
    void theGlobalProfileKeepsTheGlobalPrice() {
        assertThat(BUNDLED.find("global.anthropic.claude-opus-4-5-20251101-v1:0")
                        .orElseThrow()
                        .modelKey())
                .isEqualTo("claude-opus-4-5");
    }

    @Test
    void theReferenceFilesEuAliasOfOpus45MovesToTheRegionalEntry() {
        assertThat(BUNDLED.find("eu.anthropic.claude-opus-4-5-20251101-v1:0")
                        .orElseThrow()
                        .modelKey())
                .isEqualTo("claude-opus-4-5-bedrock-regional");
        assertThat(BUNDLED.find("claude-opus-4-5").orElseThrow().aliases())
                .doesNotContain("eu.anthropic.claude-opus-4-5-20251101-v1:0");
    }

    @Test
    void anOlderClaudeCostsTheSameThroughEveryProfile() {
        assertThat(BUNDLED.find("eu.anthropic.claude-3-7-sonnet-20250219-v1:0")
                        .orElseThrow()
                        .modelKey())
                .isEqualTo("claude-3-7-sonnet");
        assertThat(BUNDLED.find("apac.amazon.nova-pro-v1:0").orElseThrow().modelKey())
                .isEqualTo("amazon.nova-pro-v1:0");
    }

    @Test
    void anyGeographicProfileOfAModelWithRegionalPricesFindsThem() {
        assertThat(BUNDLED.find("ca.anthropic.claude-sonnet-4-5-20250929-v1:1")
                        .orElseThrow()
                        .modelKey())
                .isEqualTo("claude-sonnet-4-5-bedrock-regional");
    }

    @Test
    void aRegionalFormNoEntryListsIsUnpricedNotPricedAsGlobal() {
        PriceCatalog onlyGlobal = new PriceCatalog(List.of(
                new ModelPrice("claude-next", "Anthropic", List.of("global.anthropic.claude-next-v1:0"), List.of())));

        assertThat(onlyGlobal.find("global.anthropic.claude-next-v1:0")).isPresent();
        assertThat(onlyGlobal.find("us.anthropic.claude-next-v1:0")).isEmpty();
    }
}
