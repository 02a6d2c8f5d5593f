package dev.agentmeter.client.adapters;

import static dev.agentmeter.client.adapters.ProviderFixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole response bodies, converted with exact numbers. Shapes follow, per provider:
 * OpenAI https://platform.openai.com/docs/api-reference/chat/object and
 * https://platform.openai.com/docs/api-reference/responses/object (usage, service_tier,
 * input_tokens_details.cache_write_tokens);
 * Anthropic https://docs.anthropic.com/en/api/messages (usage, cache_creation,
 * server_tool_use, service_tier) and https://docs.anthropic.com/en/docs/build-with-claude/tool-use/web-search-tool;
 * Bedrock https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 * and API_runtime_CacheDetail.html; OpenRouter https://openrouter.ai/docs/use-cases/usage-accounting
 * (cost, is_byok, cost_details.upstream_inference_cost); Gemini
 * https://ai.google.dev/api/generate-content#UsageMetadata.
 */
class ProviderUsageTest {

    @Test
    void openAiChatCompletionKeepsCachedTokensInsideInput() {
        ProviderUsage p = ProviderUsage.openAi(body("openai-chat"));
        assertThat(p.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(p.provider()).isEqualTo("openai");
        assertThat(p.usage()).isEqualTo(new Usage(2006, 300, 1920, 0, 0, 0, false));
        assertThat(p.providerCostUsd()).isNull();
        assertThat(p.serviceTier()).isEqualTo("standard");
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void openAiReasoningModelReportsReasoningInsideOutput() {
        ProviderUsage p = ProviderUsage.openAi("""
                {"model":"o3-mini-2025-01-31","usage":{"prompt_tokens":120,"completion_tokens":1850,"total_tokens":1970,
                 "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":1600}}}
                """);
        assertThat(p.usage()).isEqualTo(new Usage(120, 1850, 0, 0, 0, 1600, false));
    }

    @Test
    void openAiResponsesApiReadsCacheWritesAndServiceTier() {
        ProviderUsage p = ProviderUsage.openAi(body("openai-responses-cache-write"));
        assertThat(p.model()).isEqualTo("gpt-5-2025-08-07");
        assertThat(p.usage()).isEqualTo(new Usage(12000, 900, 8000, 3000, 0, 640, false));
        assertThat(p.serviceTier()).isEqualTo("flex");
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void openAiResponseCompletedEventCarriesTheUsageUnderResponse() {
        String completed = ProviderFixtures.stream("openai-responses-stream").get(4);
        ProviderUsage p = ProviderUsage.openAi(completed);
        assertThat(p.model()).isEqualTo("gpt-5-2025-08-07");
        assertThat(p.usage()).isEqualTo(new Usage(37, 11, 0, 0, 0, 0, false));
    }

    @Test
    void openAiChunkWithNullUsageIsAnErrorNamingThePath() {
        String chunk = ProviderFixtures.stream("openai-chat-stream").get(0);
        assertThatThrownBy(() -> ProviderUsage.openAi(chunk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.usage is null")
                .hasMessageContaining("stream_options.include_usage");
    }

    @Test
    void openAiResponseCreatedEventIsAnErrorNotAZero() {
        String created = ProviderFixtures.stream("openai-responses-stream").get(0);
        assertThatThrownBy(() -> ProviderUsage.openAi(created))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.response.usage is null");
    }

    @Test
    void unrecognisedBodyIsAnErrorForEveryAdapter() {
        String body = "{\"id\":\"x\",\"choices\":[]}";
        assertThatThrownBy(() -> ProviderUsage.openAi(body))
                .hasMessage("OpenAI: no usage at $.usage (nor a bare usage object)");
        assertThatThrownBy(() -> ProviderUsage.anthropic(body))
                .hasMessage("Anthropic: no usage at $.usage (nor a bare usage object)");
        assertThatThrownBy(() -> ProviderUsage.bedrockConverse(body))
                .hasMessage("Bedrock: no usage at $.usage (nor a bare usage object)");
        assertThatThrownBy(() -> ProviderUsage.gemini(body))
                .hasMessage("Gemini: no usage at $.usageMetadata (nor a bare usage object)");
        assertThatThrownBy(() -> ProviderUsage.openRouter(body)).hasMessage("OpenRouter: no usage at $.usage");
    }

    @Test
    void anthropicCacheTokensAreAddedToInput() {
        ProviderUsage p = ProviderUsage.anthropic(body("anthropic-message"));
        assertThat(p.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(p.usage()).isEqualTo(new Usage(20050, 420, 18000, 2000, 500, 0, false));
        assertThat(p.serviceTier()).isEqualTo("standard");
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void anthropicServerToolsAndBatchTierTravelAsAttributes() {
        ProviderUsage p = ProviderUsage.anthropic(body("anthropic-batch-web-search"));
        assertThat(p.usage()).isEqualTo(new Usage(6039, 931, 0, 0, 0, 0, false));
        assertThat(p.serviceTier()).isEqualTo("batch");
        assertThat(p.attributes()).isEqualTo(Map.of("webSearchRequests", "3", "webFetchRequests", "1"));
    }

    @Test
    void anthropicWebSearchesBecomeOneApiEventPricedPerRequest() {
        ProviderUsage p = ProviderUsage.anthropic(body("anthropic-batch-web-search"));
        UsageEvent llm = p.applyTo(UsageEvent.builder()
                        .eventId("evt-1")
                        .agent("researcher")
                        .sessionId("s1"))
                .build();

        List<UsageEvent> charges = p.serverToolEvents(llm);

        assertThat(charges).hasSize(1);
        UsageEvent search = charges.get(0);
        assertThat(search.eventId()).isEqualTo("evt-1:web_search");
        assertThat(search.kind()).isEqualTo("api");
        assertThat(search.agent()).isEqualTo("researcher");
        assertThat(search.sessionId()).isEqualTo("s1");
        assertThat(search.model()).isNull();
        assertThat(search.usage()).isNull();
        assertThat(search.api())
                .isEqualTo(new ApiCall(
                        "anthropic-web-search", "server_tool_use.web_search_requests", null, new BigDecimal("0.03")));
    }

    @Test
    void aLongLlmEventIdGivesAStableServerToolIdWithinTheContractsLimit() {
        String longId = "x".repeat(125);
        assertThat(ProviderUsage.derivedId(longId, ":web_search"))
                .isEqualTo(ProviderUsage.derivedId(longId, ":web_search"))
                .hasSize(75)
                .endsWith(":web_search");
        assertThat(ProviderUsage.derivedId("evt-1", ":web_search")).isEqualTo("evt-1:web_search");
    }

    @Test
    void serverToolEventsNeedTheLlmEventId() {
        ProviderUsage p = ProviderUsage.anthropic(body("anthropic-batch-web-search"));
        UsageEvent withoutId = p.applyTo(UsageEvent.builder().agent("a")).build();
        assertThatThrownBy(() -> p.serverToolEvents(withoutId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventId");
    }

    @Test
    void anthropicWithoutCacheFieldsIsPlainInput() {
        ProviderUsage p = ProviderUsage.anthropic("{\"input_tokens\":1000,\"output_tokens\":500}");
        assertThat(p.usage()).isEqualTo(new Usage(1000, 500, 0, 0, 0, 0, false));
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void anthropicSplitOnlyStillCountsCacheWrites() {
        ProviderUsage p = ProviderUsage.anthropic("""
                {"usage":{"input_tokens":10,"output_tokens":5,
                 "cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":700}}}
                """);
        assertThat(p.usage()).isEqualTo(new Usage(1010, 5, 0, 1000, 700, 0, false));
    }

    /** OpenAI Batch API, "Batch output file" (platform.openai.com/docs/guides/batch): one line, the body inside. */
    @Test
    void anOpenAiBatchOutputLineIsItsBodyServedAtTheBatchTier() {
        ProviderUsage p = ProviderUsage.openAi(ProviderFixtures.body("openai-batch-output-line"));

        assertThat(p.usage()).isEqualTo(new Usage(22, 2, 0, 0, 0, 0, false));
        assertThat(p.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(p.serviceTier()).isEqualTo("batch");
    }

    /** Anthropic Message Batches, "Retrieving batch results" (docs.anthropic.com): a result line. */
    @Test
    void anAnthropicBatchResultIsItsMessageServedAtTheBatchTier() {
        ProviderUsage p = ProviderUsage.anthropic(ProviderFixtures.body("anthropic-message-batch-result"));

        assertThat(p.usage()).isEqualTo(new Usage(11, 36, 0, 0, 0, 0, false));
        assertThat(p.serviceTier()).isEqualTo("batch");
    }

    /** Anthropic streaming: the final message_delta carries the whole cumulative usage, input and cache included. */
    @Test
    void anAnthropicMessageDeltaWithTheWholeUsageIsReadOnItsOwn() {
        ProviderUsage p = ProviderUsage.anthropic(ProviderFixtures.body("anthropic-message-delta-full-usage"));

        assertThat(p.usage()).isEqualTo(new Usage(1496, 89, 1024, 0, 0, 0, false));
        assertThat(p.serviceTier()).isEqualTo("standard");
    }

    @Test
    void aServiceTierAppliedToAnEventIsTheEventsUnlessItNamesItsOwn() {
        ProviderUsage p = ProviderUsage.openAi(ProviderFixtures.body("openai-batch-output-line"));

        assertThat(p.applyTo(UsageEvent.builder()).build().serviceTier()).isEqualTo("batch");
        assertThat(p.applyTo(UsageEvent.builder().serviceTier("flex")).build().serviceTier())
                .isEqualTo("flex");
    }

    @Test
    void anthropicMessageDeltaAloneIsRefusedBecauseItLacksTheInput() {
        String delta = ProviderFixtures.stream("anthropic-stream").get(6);
        assertThatThrownBy(() -> ProviderUsage.anthropic(delta))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message_delta")
                .hasMessageContaining("UsageStream.anthropic()");
    }

    @Test
    void anthropicMessageStartIsReadUnderMessage() {
        String start = ProviderFixtures.stream("anthropic-stream").get(0);
        ProviderUsage p = ProviderUsage.anthropic(start);
        assertThat(p.model()).isEqualTo("claude-opus-4-6");
        assertThat(p.usage()).isEqualTo(new Usage(25, 1, 0, 0, 0, 0, false));
    }

    @Test
    void openRouterCostBecomesProviderCostExactly() {
        ProviderUsage p = ProviderUsage.openRouter(body("openrouter"));
        assertThat(p.model()).isEqualTo("anthropic/claude-sonnet-4.5");
        assertThat(p.usage()).isEqualTo(new Usage(10450, 812, 8192, 1024, 0, 256, false));
        assertThat(p.providerCostUsd()).isEqualTo(new BigDecimal("0.04355175"));
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void openRouterByokAddsTheUpstreamInferenceCost() {
        ProviderUsage p = ProviderUsage.openRouter(body("openrouter-byok"));
        assertThat(p.usage()).isEqualTo(new Usage(1000, 500, 0, 0, 0, 0, false));
        assertThat(p.providerCostUsd()).isEqualTo(new BigDecimal("0.007875"));
        assertThat(p.attributes()).isEqualTo(Map.of("byok", "true", "upstreamInferenceCostUsd", "0.0075"));
    }

    @Test
    void openRouterCostAsStringIsAlsoExact() {
        ProviderUsage p = ProviderUsage.openRouter(
                "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"cost\":\"0.000001\"}}");
        assertThat(p.providerCostUsd()).isEqualTo(new BigDecimal("0.000001"));
    }

    @Test
    void geminiThoughtsAreAddedToOutputAsReasoning() {
        ProviderUsage p = ProviderUsage.gemini(body("gemini"));
        assertThat(p.model()).isEqualTo("gemini-2.5-pro");
        assertThat(p.usage()).isEqualTo(new Usage(3000, 1450, 2048, 0, 0, 1200, false));
    }

    @Test
    void geminiToolUsePromptTokensCountAsInput() {
        ProviderUsage p = ProviderUsage.gemini("""
                {"usageMetadata":{"promptTokenCount":100,"toolUsePromptTokenCount":40,"candidatesTokenCount":10,"totalTokenCount":150}}
                """);
        assertThat(p.usage()).isEqualTo(new Usage(140, 10, 0, 0, 0, 0, false));
    }

    @Test
    void bedrockConverseCacheTokensAreAddedToInput() {
        ProviderUsage p = ProviderUsage.bedrockConverse(body("bedrock-converse"));
        assertThat(p.provider()).isEqualTo("aws-bedrock");
        assertThat(p.usage()).isEqualTo(new Usage(5120, 340, 4000, 1000, 0, 0, false));
        assertThat(p.usage().totalTokens()).isEqualTo(5460);
    }

    @Test
    void bedrockCacheDetailsNameTheOneHourWrites() {
        ProviderUsage p = ProviderUsage.bedrockConverse(body("bedrock-converse-cache-details"));
        assertThat(p.usage()).isEqualTo(new Usage(10100, 200, 0, 10000, 10000, 0, false));
    }

    @Test
    void estimatedIsTheOptInInsteadOfAnError() {
        ProviderUsage p = ProviderUsage.estimated("openai", "gpt-4o", 4000, 800);
        assertThat(p.usage()).isEqualTo(new Usage(1000, 200, 0, 0, 0, 0, true));
    }

    @Test
    void applyToKeepsTheEventsOwnModelProviderAndAttributes() {
        ProviderUsage p = ProviderUsage.openRouter(body("openrouter-byok"));
        UsageEvent e = p.applyTo(
                        UsageEvent.builder().agent("a").model("gpt-4o").attributes(Map.of("byok", "mine", "team", "x")))
                .build();

        assertThat(e.model()).isEqualTo("gpt-4o");
        assertThat(e.provider()).isEqualTo("openrouter");
        assertThat(e.usage()).isEqualTo(new Usage(1000, 500, 0, 0, 0, 0, false));
        assertThat(e.providerCostUsd()).isEqualTo(new BigDecimal("0.007875"));
        assertThat(e.attributes()).isEqualTo(Map.of("byok", "mine", "team", "x", "upstreamInferenceCostUsd", "0.0075"));
    }
}
