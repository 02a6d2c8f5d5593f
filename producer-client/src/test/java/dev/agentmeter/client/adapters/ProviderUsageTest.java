package dev.agentmeter.client.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Realistic response bodies from each provider, converted with exact numbers. */
class ProviderUsageTest {

    @Test
    void openAiChatCompletionKeepsCachedTokensInsideInput() {
        ProviderUsage p = ProviderUsage.openAi("""
                {"id":"chatcmpl-abc","object":"chat.completion","created":1763800000,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                   "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                   "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
                     "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
                 "system_fingerprint":"fp_1"}
                """);
        assertThat(p.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(p.provider()).isEqualTo("openai");
        assertThat(p.usage()).isEqualTo(new Usage(2006, 300, 1920, 0, 0, 0, false));
        assertThat(p.providerCostUsd()).isNull();
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
    void openAiResponsesApiUsesInputAndOutputTokenNames() {
        ProviderUsage p = ProviderUsage.openAi("""
                {"id":"resp_1","object":"response","model":"gpt-5-2025-08-07","status":"completed",
                 "usage":{"input_tokens":5120,"input_tokens_details":{"cached_tokens":4096},
                          "output_tokens":900,"output_tokens_details":{"reasoning_tokens":640},"total_tokens":6020}}
                """);
        assertThat(p.model()).isEqualTo("gpt-5-2025-08-07");
        assertThat(p.usage()).isEqualTo(new Usage(5120, 900, 4096, 0, 0, 640, false));
    }

    @Test
    void anthropicCacheTokensAreAddedToInput() {
        ProviderUsage p = ProviderUsage.anthropic("""
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":50,"cache_creation_input_tokens":2000,"cache_read_input_tokens":18000,
                          "cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500},
                          "output_tokens":420,"service_tier":"standard"}}
                """);
        assertThat(p.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(p.usage()).isEqualTo(new Usage(20050, 420, 18000, 2000, 500, 0, false));
    }

    @Test
    void anthropicWithoutCacheFieldsIsPlainInput() {
        ProviderUsage p = ProviderUsage.anthropic("{\"input_tokens\":1000,\"output_tokens\":500}");
        assertThat(p.usage()).isEqualTo(new Usage(1000, 500, 0, 0, 0, 0, false));
    }

    @Test
    void anthropicSplitOnlyStillCountsCacheWrites() {
        ProviderUsage p = ProviderUsage.anthropic("""
                {"usage":{"input_tokens":10,"output_tokens":5,
                 "cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":700}}}
                """);
        assertThat(p.usage()).isEqualTo(new Usage(1010, 5, 0, 1000, 700, 0, false));
    }

    @Test
    void openRouterCostBecomesProviderCostExactly() {
        ProviderUsage p = ProviderUsage.openRouter("""
                {"id":"gen-1","model":"anthropic/claude-sonnet-4.5","provider":"Anthropic",
                 "usage":{"prompt_tokens":10450,"completion_tokens":812,"total_tokens":11262,
                          "cost":0.04355175,"is_byok":false,
                          "prompt_tokens_details":{"cached_tokens":8192,"cache_write_tokens":1024,"audio_tokens":0},
                          "completion_tokens_details":{"reasoning_tokens":256}}}
                """);
        assertThat(p.model()).isEqualTo("anthropic/claude-sonnet-4.5");
        assertThat(p.usage()).isEqualTo(new Usage(10450, 812, 8192, 1024, 0, 256, false));
        assertThat(p.providerCostUsd()).isEqualTo(new BigDecimal("0.04355175"));
    }

    @Test
    void openRouterCostAsStringIsAlsoExact() {
        ProviderUsage p = ProviderUsage.openRouter("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"cost\":\"0.000001\"}}");
        assertThat(p.providerCostUsd()).isEqualTo(new BigDecimal("0.000001"));
    }

    @Test
    void geminiThoughtsAreAddedToOutputAsReasoning() {
        ProviderUsage p = ProviderUsage.gemini("""
                {"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":3000,"candidatesTokenCount":250,"totalTokenCount":4450,
                   "cachedContentTokenCount":2048,"thoughtsTokenCount":1200,
                   "promptTokensDetails":[{"modality":"TEXT","tokenCount":3000}]},
                 "modelVersion":"gemini-2.5-pro","responseId":"abc"}
                """);
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
        ProviderUsage p = ProviderUsage.bedrockConverse("""
                {"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn",
                 "usage":{"inputTokens":120,"outputTokens":340,"totalTokens":5460,
                          "cacheReadInputTokens":4000,"cacheWriteInputTokens":1000},
                 "metrics":{"latencyMs":1830}}
                """);
        assertThat(p.provider()).isEqualTo("aws-bedrock");
        assertThat(p.usage()).isEqualTo(new Usage(5120, 340, 4000, 1000, 0, 0, false));
        assertThat(p.usage().totalTokens()).isEqualTo(5460);
    }

    @Test
    void applyToKeepsTheEventsOwnModelAndProvider() {
        ProviderUsage p = ProviderUsage.openRouter("{\"model\":\"openai/gpt-4o\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"cost\":0.0001}}");
        UsageEvent e = p.applyTo(UsageEvent.builder().agent("a").model("gpt-4o")).build();

        assertThat(e.model()).isEqualTo("gpt-4o");
        assertThat(e.provider()).isEqualTo("openrouter");
        assertThat(e.usage()).isEqualTo(new Usage(5, 2, 0, 0, 0, 0, false));
        assertThat(e.providerCostUsd()).isEqualTo(new BigDecimal("0.0001"));
    }
}
