package dev.agentmeter.client.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Provider usage JSON converted to the contract's inclusive token semantics ({@code inputTokens}
 * includes cache reads and writes, {@code outputTokens} includes reasoning), with the model the
 * response names and, where the provider reports it, the billed cost.
 *
 * <p>Each factory takes either the whole response body or just its usage object.
 */
public record ProviderUsage(String provider, String model, Usage usage, BigDecimal providerCostUsd) {

    /** Copies provider, model (when the event names none), usage and cost into an event builder. */
    public UsageEvent.Builder applyTo(UsageEvent.Builder b) {
        UsageEvent current = b.build();
        return b.provider(current.provider() != null ? current.provider() : provider)
                .model(current.model() != null ? current.model() : model)
                .usage(usage)
                .providerCostUsd(providerCostUsd);
    }

    /**
     * OpenAI Chat Completions ({@code prompt_tokens}, {@code prompt_tokens_details.cached_tokens},
     * {@code completion_tokens_details.reasoning_tokens}) and Responses API ({@code input_tokens},
     * {@code input_tokens_details.cached_tokens}, {@code output_tokens_details.reasoning_tokens}).
     * OpenAI counts cached tokens inside the prompt already.
     */
    public static ProviderUsage openAi(String json) {
        return openAi(tree(json));
    }

    public static ProviderUsage openAi(JsonNode response) {
        JsonNode u = usageNode(response, "usage");
        boolean responsesApi = u.has("input_tokens");
        long input = responsesApi ? n(u, "input_tokens") : n(u, "prompt_tokens");
        long output = responsesApi ? n(u, "output_tokens") : n(u, "completion_tokens");
        JsonNode inDetails = u.path(responsesApi ? "input_tokens_details" : "prompt_tokens_details");
        JsonNode outDetails = u.path(responsesApi ? "output_tokens_details" : "completion_tokens_details");
        Usage usage = new Usage(input, output, n(inDetails, "cached_tokens"), 0, 0, n(outDetails, "reasoning_tokens"), false);
        return new ProviderUsage("openai", text(response, "model"), usage, null);
    }

    /**
     * Anthropic Messages: {@code input_tokens} EXCLUDES cache reads and writes, so they are added
     * back; {@code cache_creation.ephemeral_1h_input_tokens} is the one-hour part of the writes.
     */
    public static ProviderUsage anthropic(String json) {
        return anthropic(tree(json));
    }

    public static ProviderUsage anthropic(JsonNode response) {
        JsonNode u = usageNode(response, "usage");
        long cacheRead = n(u, "cache_read_input_tokens");
        JsonNode split = u.path("cache_creation");
        long write5m = n(split, "ephemeral_5m_input_tokens");
        long write1h = n(split, "ephemeral_1h_input_tokens");
        long cacheWrite = u.has("cache_creation_input_tokens") ? n(u, "cache_creation_input_tokens") : write5m + write1h;
        long input = n(u, "input_tokens") + cacheRead + cacheWrite;
        Usage usage = new Usage(input, n(u, "output_tokens"), cacheRead, cacheWrite, write1h, 0, false);
        return new ProviderUsage("anthropic", text(response, "model"), usage, null);
    }

    /**
     * OpenRouter (OpenAI-shaped, cached tokens inside the prompt): {@code usage.cost} is the billed
     * cost in USD and becomes {@code providerCostUsd}, read exactly as written.
     */
    public static ProviderUsage openRouter(String json) {
        return openRouter(tree(json));
    }

    public static ProviderUsage openRouter(JsonNode response) {
        JsonNode u = usageNode(response, "usage");
        JsonNode in = u.path("prompt_tokens_details");
        JsonNode out = u.path("completion_tokens_details");
        Usage usage = new Usage(n(u, "prompt_tokens"), n(u, "completion_tokens"), n(in, "cached_tokens"),
                n(in, "cache_write_tokens"), 0, n(out, "reasoning_tokens"), false);
        JsonNode c = u.get("cost");
        BigDecimal cost = c == null || c.isNull() ? null : c.isTextual() ? new BigDecimal(c.asText()) : c.decimalValue();
        return new ProviderUsage("openrouter", text(response, "model"), usage, cost);
    }

    /**
     * Google Gemini {@code usageMetadata}: {@code promptTokenCount} includes cached content;
     * {@code thoughtsTokenCount} is reported OUTSIDE {@code candidatesTokenCount}, so it is added to
     * the output; tool-use prompt tokens count as input.
     */
    public static ProviderUsage gemini(String json) {
        return gemini(tree(json));
    }

    public static ProviderUsage gemini(JsonNode response) {
        JsonNode u = usageNode(response, "usageMetadata");
        long thoughts = n(u, "thoughtsTokenCount");
        long input = n(u, "promptTokenCount") + n(u, "toolUsePromptTokenCount");
        Usage usage = new Usage(input, n(u, "candidatesTokenCount") + thoughts, n(u, "cachedContentTokenCount"),
                0, 0, thoughts, false);
        return new ProviderUsage("google", text(response, "modelVersion"), usage, null);
    }

    /**
     * AWS Bedrock Converse: {@code inputTokens} EXCLUDES {@code cacheReadInputTokens} and
     * {@code cacheWriteInputTokens} ({@code totalTokens} is the sum of all four), so they are added.
     */
    public static ProviderUsage bedrockConverse(String json) {
        return bedrockConverse(tree(json));
    }

    public static ProviderUsage bedrockConverse(JsonNode response) {
        JsonNode u = usageNode(response, "usage");
        long cacheRead = n(u, "cacheReadInputTokens");
        long cacheWrite = n(u, "cacheWriteInputTokens");
        Usage usage = new Usage(n(u, "inputTokens") + cacheRead + cacheWrite, n(u, "outputTokens"), cacheRead,
                cacheWrite, 0, 0, false);
        return new ProviderUsage("aws-bedrock", null, usage, null);
    }

    private static JsonNode usageNode(JsonNode response, String field) {
        if (response == null || response.isMissingNode() || response.isNull()) {
            throw new IllegalArgumentException("no usage JSON given");
        }
        JsonNode u = response.get(field);
        return u != null && u.isObject() ? u : response;
    }

    private static long n(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? 0 : v.asLong();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode tree(String json) {
        try {
            return ContractJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
    }
}
