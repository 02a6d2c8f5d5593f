package dev.agentmeter.pricing;

import static dev.agentmeter.client.adapters.ProviderFixtures.body;
import static dev.agentmeter.client.adapters.ProviderFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.client.adapters.ProviderUsage;
import dev.agentmeter.client.adapters.UsageStream;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The client's documented provider fixtures ({@code producer-client} test-jar,
 * {@code provider-fixtures/}), converted by its adapters and priced with the bundled catalog: what
 * an agent that tracks these responses is billed, to the last digit.
 */
class ProviderFixturePricingTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    private static final PriceCatalog CATALOG = new PriceCatalog(BundledCatalog.load());
    private static final Pricer PRICER = new Pricer(new BigDecimal("3"), new BigDecimal("15"), Set.of("ollama"));

    private static PricedUsage price(ProviderUsage p, String model) {
        UsageEvent e = p.applyTo(UsageEvent.builder()
                        .schemaVersion(1)
                        .eventId("e1")
                        .timestamp(AT)
                        .kind("llm")
                        .agent("a")
                        .model(model))
                .build();
        return PRICER.price(e, CATALOG, AT);
    }

    private static PricedUsage price(ProviderUsage p) {
        return price(p, null);
    }

    @Test
    void openAiChatCompletion() {
        PricedUsage priced = price(ProviderUsage.openAi(body("openai-chat")));
        assertThat(priced.pricing().modelKey()).isEqualTo("gpt-4o");
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.005615");
    }

    @Test
    void openAiResponsesCacheWritesAtTheCacheWritePriceOfTheFlexTierTheResponseNames() {
        PricedUsage priced = price(ProviderUsage.openAi(body("openai-responses-cache-write")));
        // flex is billed at half of the standard prices (0.00375 and 0.015 at standard)
        assertThat(priced.pricing().serviceTier()).isEqualTo("flex");
        assertThat(priced.cost().cacheWriteUsd()).isEqualByComparingTo("0.001875");
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.0075");
    }

    @Test
    void openAiChatStream() {
        ProviderUsage p =
                UsageStream.openAi().acceptAll(stream("openai-chat-stream")).finish();
        assertThat(price(p).cost().totalUsd()).isEqualByComparingTo("0.00011835");
    }

    @Test
    void anthropicMessageWithOneHourWrites() {
        PricedUsage priced = price(ProviderUsage.anthropic(body("anthropic-message")));
        assertThat(priced.cost().cacheWriteUsd()).isEqualByComparingTo("0.008625");
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.020475");
    }

    @Test
    void anthropicStreamIsBilledForItsInputToo() {
        ProviderUsage p =
                UsageStream.anthropic().acceptAll(stream("anthropic-stream")).finish();
        assertThat(price(p).cost().totalUsd()).isEqualByComparingTo("0.0005");
    }

    @Test
    void anthropicStreamWithThinkingAndOneHourCache() {
        ProviderUsage p = UsageStream.anthropic()
                .acceptAll(stream("anthropic-stream-thinking-cache"))
                .finish();
        assertThat(price(p).cost().totalUsd()).isEqualByComparingTo("0.059016");
    }

    @Test
    void anthropicWebSearchesArePricedAsAnApiEvent() {
        ProviderUsage p = ProviderUsage.anthropic(body("anthropic-batch-web-search"));
        UsageEvent llm = p.applyTo(UsageEvent.builder()
                        .schemaVersion(1)
                        .eventId("e2")
                        .timestamp(AT)
                        .kind("llm")
                        .agent("a"))
                .build();

        PricedUsage search = PRICER.price(p.serverToolEvents(llm).get(0), CATALOG, AT);

        assertThat(search.pricing().source()).isEqualTo(CostSource.API);
        assertThat(search.cost().totalUsd()).isEqualByComparingTo("0.03");
    }

    @Test
    void bedrockOneHourWritesArePricedAtTheOneHourPrice() {
        PricedUsage priced = price(
                ProviderUsage.bedrockConverse(body("bedrock-converse-cache-details")),
                "anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(priced.cost().cacheWriteUsd()).isEqualByComparingTo("0.06");
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.0633");
    }

    @Test
    void bedrockStream() {
        ProviderUsage p = UsageStream.bedrock()
                .acceptAll(stream("bedrock-converse-stream"))
                .finish();
        assertThat(price(p, "anthropic.claude-sonnet-4-5-20250929-v1:0").cost().totalUsd())
                .isEqualByComparingTo("0.00825");
    }

    @Test
    void openRouterByokBillsOpenRoutersFeePlusTheUpstreamCost() {
        PricedUsage priced = price(ProviderUsage.openRouter(body("openrouter-byok")));
        assertThat(priced.pricing().source()).isEqualTo(CostSource.PROVIDER);
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.007875");
    }

    @Test
    void gemini() {
        PricedUsage priced = price(ProviderUsage.gemini(body("gemini")));
        assertThat(priced.cost().totalUsd()).isEqualByComparingTo("0.015946");
    }
}
