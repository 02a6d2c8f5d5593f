package dev.agentmeter.client.adapters;

import static dev.agentmeter.client.adapters.ProviderJson.object;
import static dev.agentmeter.client.adapters.ProviderJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.model.Usage;
import java.util.Map;

/**
 * One usage from a streamed response: feed every stream event in order to {@link #accept}, then
 * call {@link #finish} once the stream ends. Events are JSON strings, Jackson trees or the official
 * SDKs' event objects ({@link ProviderJson}); events that carry no usage are skipped cheaply.
 *
 * <ul>
 *   <li>{@link #openAi()}: Chat Completions chunks (the usage arrives in the last chunk, only with
 *       {@code stream_options.include_usage}; every other chunk says {@code "usage": null}) and
 *       Responses API events ({@code response.completed}, {@code .incomplete} or {@code .failed}
 *       carry {@code response.usage});</li>
 *   <li>{@link #anthropic()}: {@code message_start} holds the input and cache counts,
 *       {@code message_delta} the cumulative output (and, from newer APIs, updated input, cache and
 *       server-tool counts), merged field by field;</li>
 *   <li>{@link #bedrock()}: ConverseStream's {@code metadata} event.</li>
 * </ul>
 *
 * <p>A stream that ends without its usage is an {@link IllegalArgumentException} from
 * {@link #finish}, never a zero; {@link #finishOrEstimate} is the caller's opt-in to an estimate.
 * Not thread-safe: one instance per stream, fed by the thread that reads it.
 */
public final class UsageStream {

    private enum Provider {
        OPENAI,
        ANTHROPIC,
        BEDROCK
    }

    private final Provider provider;
    private ProviderUsage last;
    private String model;
    private ObjectNode anthropicUsage;
    private boolean anthropicDelta;
    private int events;

    private UsageStream(Provider provider) {
        this.provider = provider;
    }

    public static UsageStream openAi() {
        return new UsageStream(Provider.OPENAI);
    }

    public static UsageStream anthropic() {
        return new UsageStream(Provider.ANTHROPIC);
    }

    public static UsageStream bedrock() {
        return new UsageStream(Provider.BEDROCK);
    }

    /** Takes the next stream event; returns this stream. */
    public UsageStream accept(Object event) {
        JsonNode e = ProviderJson.tree(event);
        events++;
        switch (provider) {
            case OPENAI -> acceptOpenAi(e);
            case ANTHROPIC -> acceptAnthropic(e);
            case BEDROCK -> acceptBedrock(e);
        }
        return this;
    }

    /** Takes events in order; returns this stream. */
    public UsageStream acceptAll(Iterable<?> events) {
        for (Object event : events) {
            accept(event);
        }
        return this;
    }

    /** Whether the usage the stream ends with has arrived. */
    public boolean complete() {
        return provider == Provider.ANTHROPIC ? anthropicUsage != null && anthropicDelta : last != null;
    }

    /**
     * The stream's usage.
     *
     * @throws IllegalArgumentException when the stream ended without it, naming what is missing
     */
    public ProviderUsage finish() {
        if (complete()) {
            return provider == Provider.ANTHROPIC ? ProviderUsage.anthropicUsage(model, anthropicUsage) : last;
        }
        throw new IllegalArgumentException(
                switch (provider) {
                    case OPENAI ->
                        "OpenAI stream ended without usage after " + events + " events: no chunk with $.usage"
                                + " (request stream_options.include_usage=true) and no response.completed with $.response.usage";
                    case ANTHROPIC ->
                        anthropicUsage == null
                                ? "Anthropic stream ended without message_start ($.message.usage) after " + events
                                        + " events"
                                : "Anthropic stream ended without message_delta ($.usage.output_tokens) after " + events
                                        + " events";
                    case BEDROCK ->
                        "Bedrock stream ended without a metadata event ($.metadata.usage) after " + events + " events";
                });
    }

    /**
     * The stream's usage, or, where it ended without one, an estimate from text lengths marked
     * {@code estimated: true}. An Anthropic stream cut after {@code message_start} keeps its
     * reported input and cache counts and estimates only the output.
     *
     * @param outputChars characters the model returned, or negative when unknown
     */
    public ProviderUsage finishOrEstimate(long promptChars, long outputChars) {
        if (complete()) {
            return finish();
        }
        String name = switch (provider) {
            case OPENAI -> "openai";
            case ANTHROPIC -> "anthropic";
            case BEDROCK -> "aws-bedrock";
        };
        if (provider == Provider.ANTHROPIC && anthropicUsage != null) {
            ProviderUsage reported = ProviderUsage.anthropicUsage(model, anthropicUsage);
            Usage u = reported.usage();
            long output = Math.max(
                    u.outputTokens(),
                    TokenEstimator.estimate(promptChars, outputChars).outputTokens());
            return new ProviderUsage(
                    name,
                    model,
                    new Usage(
                            u.inputTokens(),
                            output,
                            u.cacheReadTokens(),
                            u.cacheWriteTokens(),
                            u.cacheWrite1hTokens(),
                            Math.min(u.reasoningTokens(), output),
                            true),
                    null,
                    reported.serviceTier(),
                    reported.attributes());
        }
        return ProviderUsage.estimated(name, model, promptChars, outputChars);
    }

    private void acceptOpenAi(JsonNode e) {
        JsonNode response = object(e, "response");
        JsonNode body = response != null && !e.has("usage") ? response : e;
        if (text(body, "model") != null) {
            model = text(body, "model");
        }
        if (object(body, "usage") != null) {
            last = ProviderUsage.openAi(e);
        }
    }

    private void acceptAnthropic(JsonNode e) {
        String type = text(e, "type");
        if ("message_start".equals(type)) {
            JsonNode message = object(e, "message");
            model = text(message, "model");
            JsonNode usage = object(message, "usage");
            anthropicUsage = usage == null ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) usage).deepCopy();
        } else if ("message_delta".equals(type) && object(e, "usage") != null) {
            if (anthropicUsage == null && object(e, "usage").has("input_tokens")) {
                // The API now sends the whole usage with the final delta: it stands on its own.
                anthropicUsage = ((ObjectNode) object(e, "usage")).deepCopy();
                anthropicDelta = true;
                return;
            }
            if (anthropicUsage == null) {
                throw new IllegalArgumentException(
                        "Anthropic: message_delta before message_start; feed the stream in order");
            }
            merge(anthropicUsage, object(e, "usage"));
            anthropicDelta = true;
        }
    }

    private void acceptBedrock(JsonNode e) {
        if (object(e, "metadata") != null || object(e, "usage") != null) {
            last = ProviderUsage.bedrockConverse(e);
        }
    }

    /** Cumulative delta counts replace the start's; nested objects merge; nulls are "not reported". */
    private static void merge(ObjectNode into, JsonNode delta) {
        for (Map.Entry<String, JsonNode> f : delta.properties()) {
            JsonNode v = f.getValue();
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isObject() && into.get(f.getKey()) instanceof ObjectNode nested) {
                merge(nested, v);
            } else {
                into.set(f.getKey(), v.deepCopy());
            }
        }
    }
}
