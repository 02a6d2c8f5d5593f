package dev.agentmeter.client.adapters;

import static dev.agentmeter.client.adapters.ProviderJson.decimal;
import static dev.agentmeter.client.adapters.ProviderJson.hasAny;
import static dev.agentmeter.client.adapters.ProviderJson.n;
import static dev.agentmeter.client.adapters.ProviderJson.object;
import static dev.agentmeter.client.adapters.ProviderJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Provider usage converted to the contract's inclusive token semantics ({@code inputTokens}
 * includes cache reads and writes, {@code outputTokens} includes reasoning), with the model the
 * response names, the billed cost where the provider reports one, the service tier the response
 * says it was served at ({@code serviceTier}, the contract's words), and what the contract has no
 * field for (server-tool requests, BYOK upstream costs) as {@code attributes}.
 *
 * <p>Each factory takes the whole response body, just its usage object, or the stream event that
 * carries the final usage, as a JSON string, a Jackson tree or an official SDK object (see
 * {@link ProviderJson}). A whole stream goes through {@link UsageStream}.
 *
 * <p><b>Never a silent zero.</b> A payload without a usage the adapter recognises is an
 * {@link IllegalArgumentException} naming the path it looked for; it never becomes a record at $0.
 * A caller that prefers a figure to an error opts in with {@link #estimated}.
 */
public record ProviderUsage(
        String provider,
        String model,
        Usage usage,
        BigDecimal providerCostUsd,
        String serviceTier,
        Map<String, String> attributes) {

    /** Attribute: Anthropic server-side web searches in the call (billed per request). */
    public static final String WEB_SEARCH_REQUESTS = "webSearchRequests";
    /** Attribute: Anthropic server-side web fetches in the call (billed as tokens only). */
    public static final String WEB_FETCH_REQUESTS = "webFetchRequests";
    /** Attribute: OpenRouter BYOK, what the upstream provider billed on the caller's own key. */
    public static final String UPSTREAM_INFERENCE_COST_USD = "upstreamInferenceCostUsd";
    /** Attribute: {@code "true"} for an OpenRouter bring-your-own-key call. */
    public static final String BYOK = "byok";

    /** Anthropic's published web-search price: $10 per 1,000 searches. */
    public static final BigDecimal ANTHROPIC_WEB_SEARCH_USD = new BigDecimal("0.01");

    public ProviderUsage {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(attributes));
        serviceTier = serviceTier == null || serviceTier.isBlank() ? null : ServiceTiers.normalise(serviceTier);
    }

    public ProviderUsage(
            String provider, String model, Usage usage, BigDecimal providerCostUsd, Map<String, String> attributes) {
        this(provider, model, usage, providerCostUsd, null, attributes);
    }

    public ProviderUsage(String provider, String model, Usage usage, BigDecimal providerCostUsd) {
        this(provider, model, usage, providerCostUsd, null, Map.of());
    }

    /**
     * Copies provider, model (when the event names none), usage, cost and attributes (the event's
     * own attributes win on a clash) into an event builder.
     */
    public UsageEvent.Builder applyTo(UsageEvent.Builder b) {
        UsageEvent current = b.build();
        Map<String, String> merged = new TreeMap<>(attributes);
        if (current.attributes() != null) {
            merged.putAll(current.attributes());
        }
        return b.provider(current.provider() != null ? current.provider() : provider)
                .model(current.model() != null ? current.model() : model)
                .usage(usage)
                .providerCostUsd(providerCostUsd)
                .serviceTier(current.serviceTier() != null ? current.serviceTier() : serviceTier)
                .attributes(merged.isEmpty() ? current.attributes() : merged);
    }

    /**
     * The per-request charges of server-side tools as contract {@code kind: "api"} events, so the
     * processor prices them with the call: Anthropic web search at {@link #ANTHROPIC_WEB_SEARCH_USD}
     * each. Their eventIds derive from the LLM event's ({@code <eventId>:web_search}), so a retry
     * of both de-duplicates as one.
     *
     * @param llmEvent the tracked LLM event, with its eventId set
     */
    public List<UsageEvent> serverToolEvents(UsageEvent llmEvent) {
        long searches = Long.parseLong(attributes.getOrDefault(WEB_SEARCH_REQUESTS, "0"));
        if (searches == 0 || !"anthropic".equals(provider)) {
            return List.of();
        }
        if (llmEvent.eventId() == null) {
            throw new IllegalArgumentException(
                    "serverToolEvents needs the LLM event's eventId (set it before tracking)");
        }
        List<UsageEvent> events = new ArrayList<>();
        events.add(llmEvent.toBuilder()
                .eventId(derivedId(llmEvent.eventId(), ":web_search"))
                .kind(UsageEvent.KIND_API)
                .model(null)
                .usage(null)
                .providerCostUsd(null)
                .call(null)
                .api(new ApiCall(
                        "anthropic-web-search",
                        "server_tool_use.web_search_requests",
                        null,
                        ANTHROPIC_WEB_SEARCH_USD.multiply(BigDecimal.valueOf(searches))))
                .attributes(Map.of(WEB_SEARCH_REQUESTS, Long.toString(searches)))
                .build());
        return events;
    }

    /** {@code id + suffix}, or, past the contract's 128 characters, the id's SHA-256 (hex) + suffix: still derived, still stable. */
    static String derivedId(String id, String suffix) {
        if (id.length() + suffix.length() <= 128) {
            return id + suffix;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash) + suffix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The caller's opt-in instead of an error: tokens estimated from text length
     * ({@link TokenEstimator}), marked {@code estimated: true}.
     *
     * @param outputChars characters returned, or negative when unknown
     */
    public static ProviderUsage estimated(String provider, String model, long promptChars, long outputChars) {
        return new ProviderUsage(provider, model, TokenEstimator.estimate(promptChars, outputChars), null);
    }

    // ------------------------------------------------------------------ OpenAI

    /**
     * OpenAI Chat Completions ({@code prompt_tokens}, {@code prompt_tokens_details.cached_tokens},
     * {@code completion_tokens_details.reasoning_tokens}) and the Responses API
     * ({@code input_tokens}, {@code input_tokens_details.cached_tokens} and
     * {@code .cache_write_tokens}, {@code output_tokens_details.reasoning_tokens}), whole or as the
     * {@code response.completed} stream event (usage under {@code response}). OpenAI counts cached
     * tokens inside the input already. {@code service_tier} is the tier served ({@code default} is
     * standard). A line of a Batch API output file ({@code custom_id}, {@code response.body}) is the
     * body it holds, served at the {@code batch} tier.
     */
    public static ProviderUsage openAi(Object payload) {
        JsonNode root = ProviderJson.tree(payload);
        JsonNode batchBody = root.has("custom_id") ? object(object(root, "response"), "body") : null;
        if (batchBody != null) {
            ProviderUsage inner = openAi(batchBody);
            return new ProviderUsage(
                    inner.provider(), inner.model(), inner.usage(), null, ServiceTiers.BATCH, inner.attributes());
        }
        boolean nested = object(root, "response") != null && !root.has("usage");
        JsonNode body = nested ? object(root, "response") : root;
        String where = nested ? "$.response.usage" : "$.usage";
        JsonNode u = object(body, "usage");
        if (u == null) {
            if (body.has("usage")) {
                throw new IllegalArgumentException("OpenAI: " + where + " is null"
                        + (!nested
                                ? " (a streamed chunk: pass the whole stream to UsageStream.openAi(), and request"
                                        + " stream_options.include_usage=true)"
                                : " (event " + text(root, "type") + ", before response.completed)"));
            }
            if (!hasAny(body, "prompt_tokens", "input_tokens")) {
                throw new IllegalArgumentException("OpenAI: no usage at " + where + " (nor a bare usage object)");
            }
            u = body;
        }
        boolean responsesApi = u.has("input_tokens");
        if (!responsesApi && !u.has("prompt_tokens")) {
            throw new IllegalArgumentException("OpenAI: " + where + " has neither input_tokens nor prompt_tokens");
        }
        JsonNode inDetails = object(u, responsesApi ? "input_tokens_details" : "prompt_tokens_details");
        JsonNode outDetails = object(u, responsesApi ? "output_tokens_details" : "completion_tokens_details");
        Usage usage = new Usage(
                n(u, responsesApi ? "input_tokens" : "prompt_tokens"),
                n(u, responsesApi ? "output_tokens" : "completion_tokens"),
                n(inDetails, "cached_tokens"),
                n(inDetails, "cache_write_tokens"),
                0,
                n(outDetails, "reasoning_tokens"),
                false);
        return new ProviderUsage("openai", text(body, "model"), usage, null, text(body, "service_tier"), Map.of());
    }

    // ------------------------------------------------------------------ Anthropic

    /**
     * Anthropic Messages: {@code input_tokens} EXCLUDES cache reads and writes, so they are added
     * back; {@code cache_creation.ephemeral_1h_input_tokens} is the one-hour part of the writes;
     * {@code thinking_tokens} are inside {@code output_tokens}. Takes the response, a
     * {@code message_start} event, or a final {@code message_delta} that carries the whole usage
     * (input and cache tokens included, as the API now sends it); a {@code message_delta} with only
     * the output is refused (merge the stream with {@link UsageStream#anthropic()}). A Message Batches
     * result ({@code custom_id}, {@code result.message}) is its message, served at the {@code batch}
     * tier. {@code usage.service_tier} is the tier served; {@code usage.server_tool_use} becomes
     * attributes.
     */
    public static ProviderUsage anthropic(Object payload) {
        JsonNode root = ProviderJson.tree(payload);
        JsonNode batchMessage = root.has("custom_id") ? object(object(root, "result"), "message") : null;
        if (batchMessage != null) {
            ProviderUsage inner = anthropic(batchMessage);
            return new ProviderUsage(
                    inner.provider(), inner.model(), inner.usage(), null, ServiceTiers.BATCH, inner.attributes());
        }
        if ("message_delta".equals(text(root, "type"))) {
            JsonNode u = object(root, "usage");
            if (u == null || !hasAny(u, "input_tokens")) {
                throw new IllegalArgumentException(
                        "Anthropic: a message_delta without $.usage.input_tokens carries only"
                                + " the output; feed message_start and message_delta to UsageStream.anthropic()");
            }
            return anthropicUsage(null, u);
        }
        boolean nested = "message_start".equals(text(root, "type"));
        JsonNode body = nested ? object(root, "message") : root;
        String where = nested ? "$.message.usage" : "$.usage";
        if (body == null) {
            throw new IllegalArgumentException("Anthropic: message_start without $.message");
        }
        JsonNode u = object(body, "usage");
        if (u == null) {
            if (!hasAny(body, "input_tokens", "output_tokens")) {
                throw new IllegalArgumentException("Anthropic: no usage at " + where + " (nor a bare usage object)");
            }
            u = body;
        }
        if (!hasAny(u, "input_tokens")) {
            throw new IllegalArgumentException("Anthropic: " + where + ".input_tokens is missing");
        }
        return anthropicUsage(text(body, "model"), u);
    }

    static ProviderUsage anthropicUsage(String model, JsonNode u) {
        long cacheRead = n(u, "cache_read_input_tokens");
        JsonNode split = object(u, "cache_creation");
        long write5m = n(split, "ephemeral_5m_input_tokens");
        long write1h = n(split, "ephemeral_1h_input_tokens");
        long cacheWrite =
                hasAny(u, "cache_creation_input_tokens") ? n(u, "cache_creation_input_tokens") : write5m + write1h;
        long input = n(u, "input_tokens") + cacheRead + cacheWrite;
        Usage usage =
                new Usage(input, n(u, "output_tokens"), cacheRead, cacheWrite, write1h, n(u, "thinking_tokens"), false);
        Map<String, String> attributes = new TreeMap<>();
        JsonNode tools = object(u, "server_tool_use");
        putCount(attributes, WEB_SEARCH_REQUESTS, n(tools, "web_search_requests"));
        putCount(attributes, WEB_FETCH_REQUESTS, n(tools, "web_fetch_requests"));
        return new ProviderUsage("anthropic", model, usage, null, text(u, "service_tier"), attributes);
    }

    // ------------------------------------------------------------------ OpenRouter

    /**
     * OpenRouter (OpenAI-shaped, cached tokens inside the prompt): {@code usage.cost} is what
     * OpenRouter billed, read exactly as written. For a bring-your-own-key call ({@code is_byok})
     * the upstream provider bills {@code cost_details.upstream_inference_cost} on the caller's key
     * as well, so the call cost, {@code providerCostUsd}, is the sum of the two.
     */
    public static ProviderUsage openRouter(Object payload) {
        JsonNode root = ProviderJson.tree(payload);
        JsonNode u = object(root, "usage");
        if (u == null) {
            if (!hasAny(root, "prompt_tokens")) {
                throw new IllegalArgumentException("OpenRouter: no usage at $.usage"
                        + (root.has("usage") ? " (null: a streamed chunk before the final one)" : ""));
            }
            u = root;
        }
        if (!hasAny(u, "prompt_tokens")) {
            throw new IllegalArgumentException("OpenRouter: $.usage.prompt_tokens is missing");
        }
        JsonNode in = object(u, "prompt_tokens_details");
        JsonNode out = object(u, "completion_tokens_details");
        Usage usage = new Usage(
                n(u, "prompt_tokens"),
                n(u, "completion_tokens"),
                n(in, "cached_tokens"),
                n(in, "cache_write_tokens"),
                0,
                n(out, "reasoning_tokens"),
                false);
        BigDecimal cost = decimal(u, "cost");
        BigDecimal upstream = decimal(object(u, "cost_details"), "upstream_inference_cost");
        boolean byok = u.path("is_byok").asBoolean(false);
        Map<String, String> attributes = new TreeMap<>();
        if (byok) {
            attributes.put(BYOK, "true");
            if (upstream != null) {
                cost = cost == null ? upstream : cost.add(upstream);
            }
        }
        if (upstream != null) {
            attributes.put(UPSTREAM_INFERENCE_COST_USD, upstream.toPlainString());
        }
        return new ProviderUsage("openrouter", text(root, "model"), usage, cost, attributes);
    }

    // ------------------------------------------------------------------ Gemini

    /**
     * Google Gemini {@code usageMetadata}: {@code promptTokenCount} includes cached content;
     * {@code thoughtsTokenCount} is reported OUTSIDE {@code candidatesTokenCount}, so it is added to
     * the output; tool-use prompt tokens count as input.
     */
    public static ProviderUsage gemini(Object payload) {
        JsonNode root = ProviderJson.tree(payload);
        JsonNode u = object(root, "usageMetadata");
        if (u == null) {
            if (!hasAny(root, "promptTokenCount")) {
                throw new IllegalArgumentException("Gemini: no usage at $.usageMetadata (nor a bare usage object)");
            }
            u = root;
        }
        long thoughts = n(u, "thoughtsTokenCount");
        long input = n(u, "promptTokenCount") + n(u, "toolUsePromptTokenCount");
        Usage usage = new Usage(
                input, n(u, "candidatesTokenCount") + thoughts, n(u, "cachedContentTokenCount"), 0, 0, thoughts, false);
        return new ProviderUsage("google", text(root, "modelVersion"), usage, null);
    }

    // ------------------------------------------------------------------ Bedrock

    /**
     * AWS Bedrock Converse, or the ConverseStream {@code metadata} event: {@code inputTokens}
     * EXCLUDES {@code cacheReadInputTokens} and {@code cacheWriteInputTokens} ({@code totalTokens}
     * is the sum of all four), so they are added; {@code cacheDetails} splits the writes by TTL,
     * and its {@code 1h} entries are the one-hour writes. {@code serviceTier.type} is the tier served
     * ({@code default} is standard; {@code flex}, {@code priority} as Bedrock names them). Bedrock
     * names no model in the response: the event's own model is kept.
     */
    public static ProviderUsage bedrockConverse(Object payload) {
        JsonNode root = ProviderJson.tree(payload);
        boolean nested = object(root, "metadata") != null;
        JsonNode body = nested ? object(root, "metadata") : root;
        String where = nested ? "$.metadata.usage" : "$.usage";
        JsonNode u = object(body, "usage");
        if (u == null) {
            if (!hasAny(body, "inputTokens", "outputTokens")) {
                throw new IllegalArgumentException("Bedrock: no usage at " + where + " (nor a bare usage object)");
            }
            u = body;
        }
        if (!hasAny(u, "inputTokens")) {
            throw new IllegalArgumentException("Bedrock: " + where + ".inputTokens is missing");
        }
        long cacheRead = n(u, "cacheReadInputTokens");
        long detailed = 0;
        long write1h = 0;
        for (JsonNode detail : u.path("cacheDetails")) {
            detailed += n(detail, "inputTokens");
            if ("1h".equals(text(detail, "ttl"))) {
                write1h += n(detail, "inputTokens");
            }
        }
        long cacheWrite = hasAny(u, "cacheWriteInputTokens") ? n(u, "cacheWriteInputTokens") : detailed;
        Usage usage = new Usage(
                n(u, "inputTokens") + cacheRead + cacheWrite,
                n(u, "outputTokens"),
                cacheRead,
                cacheWrite,
                write1h,
                0,
                false);
        return new ProviderUsage("aws-bedrock", null, usage, null, text(object(body, "serviceTier"), "type"), Map.of());
    }

    private static void putCount(Map<String, String> attributes, String key, long value) {
        if (value > 0) {
            attributes.put(key, Long.toString(value));
        }
    }
}
