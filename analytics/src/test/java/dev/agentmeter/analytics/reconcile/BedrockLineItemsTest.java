package dev.agentmeter.analytics.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.analytics.reconcile.BedrockLineItems.Item;
import dev.agentmeter.analytics.reconcile.BedrockLineItems.TokenKind;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bedrock's CUR usage types, product names and their catalog models, in the forms real exports write. */
class BedrockLineItemsTest {

    private static final PriceCatalog CATALOG = new PriceCatalog(BundledCatalog.load());

    @ParameterizedTest(name = "{0} → {2} {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "USE1-NovaPro-input-tokens||amazon.nova-pro|INPUT|amazon.nova-pro-v1:0",
                "USE1-NovaLite-output-tokens||amazon.nova-lite|OUTPUT|amazon.nova-lite-v1:0",
                "USE1-Claude4.5Sonnet-cache-read-input-token-count-cross-region-global||global.anthropic.claude-sonnet-4-5|CACHE_READ|claude-sonnet-4-5",
                "USE1-Claude4.5Sonnet-cache-write-input-token-count-cross-region-global||global.anthropic.claude-sonnet-4-5|CACHE_WRITE|claude-sonnet-4-5",
                "USE1-Claude4.5Sonnet-output-tokens-cross-region-geo||us.anthropic.claude-sonnet-4-5|OUTPUT|claude-sonnet-4-5-bedrock-regional",
                "EUC1-Claude4.5Haiku-input-tokens-cross-region||eu.anthropic.claude-haiku-4-5|INPUT|claude-haiku-4-5-bedrock-regional",
                "USE1-Claude4.5Sonnet-input-tokens||anthropic.claude-sonnet-4-5|INPUT|claude-sonnet-4-5",
                "USE1-Claude3.5Sonnet-input-tokens||anthropic.claude-3-5-sonnet|INPUT|claude-3-5-sonnet",
                "USW2-MP:USW2_InputTokenCount-Units|Claude 3 Haiku (Amazon Bedrock Edition)|anthropic.claude-3-haiku|INPUT|claude-3-haiku",
                "USW2-MP:USW2_OutputTokenCount-Units|Claude 3 Haiku (Amazon Bedrock Edition)|anthropic.claude-3-haiku|OUTPUT|claude-3-haiku",
                "USW2-MP:USW2_CacheWriteInputTokenCount-Units|Claude Sonnet 4.5 (Amazon Bedrock Edition)|anthropic.claude-sonnet-4-5|CACHE_WRITE|claude-sonnet-4-5"
            })
    void aModelLineIsItsModelAndTokenKind(
            String usageType, String productName, String billName, TokenKind kind, String key) {
        Item item = BedrockLineItems.classify(usageType, productName, null);

        assertThat(item.billName()).isEqualTo(billName);
        assertThat(item.kind()).isEqualTo(kind);
        assertThat(item.modelUsage()).isTrue();
        assertThat(CATALOG.find(item.billName()).map(ModelPrice::modelKey)).hasValue(key);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "USE1-ProvisionedThroughput-ModelUnits-1Month, api:bedrock-provisioned-throughput",
        "USE1-Claude3Haiku-ModelUnits, api:bedrock-provisioned-throughput",
        "USE1-Guardrail-ContentPolicyTextUnits, api:bedrock-guardrails",
        "USE1-KnowledgeBase-StructuredDataRetrieval, api:bedrock-knowledge-bases",
        "USE1-CustomModelStorage, api:bedrock-model-customization",
        "USE1-SomethingNew, api:bedrock-somethingnew"
    })
    void whatIsNotModelUsageIsAnItemOfItsOwn(String usageType, String billName) {
        Item item = BedrockLineItems.classify(usageType, "Amazon Bedrock", null);

        assertThat(item.billName()).isEqualTo(billName);
        assertThat(item.modelUsage()).isFalse();
    }
}
