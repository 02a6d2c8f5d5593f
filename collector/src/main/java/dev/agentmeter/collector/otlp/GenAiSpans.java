package dev.agentmeter.collector.otlp;

import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.Bounds;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenTelemetry GenAI spans to UsageEvents, after the GenAI semantic conventions (and the older
 * names instrumentations still send):
 * <ul>
 *   <li>Only inference spans count: those with token usage that are not agent, workflow or tool
 *       spans ({@code gen_ai.operation.name} {@code invoke_agent}, {@code create_agent},
 *       {@code execute_tool}; OpenLLMetry's {@code traceloop.span.kind}). An agent span that sums
 *       its children's usage is not counted a second time.</li>
 *   <li>{@code eventId} = {@code traceId:spanId}: an exporter's retry is the same event.</li>
 *   <li>Tokens with the contract's inclusive semantics, as the conventions define them:
 *       {@code gen_ai.usage.input_tokens} includes cache reads and writes, {@code output_tokens}
 *       includes reasoning. Instrumentations that report Anthropic's exclusive counts are recognised
 *       when the cache tokens exceed the input tokens (which inclusive counts never do), and their
 *       cache tokens are added.</li>
 *   <li>The agent: {@code gen_ai.agent.name} on the span, else on the nearest agent span above it
 *       in this export, else the resource's {@code service.name}. The handoff chain: the agents of
 *       the agent spans further up, outermost first.</li>
 * </ul>
 * A provider-reported cost ({@code gen_ai.usage.cost}, OpenLIT's name) arrives as a double: it is
 * read through its shortest decimal representation, the digits the sender meant. The service tier:
 * {@code openai.response.service_tier} (or {@code gen_ai.openai.response.service_tier}), else a plain
 * {@code service_tier} or {@code gen_ai.request.service_tier}.
 */
public final class GenAiSpans {

    private static final Set<String> NOT_INFERENCE =
            Set.of("invoke_agent", "create_agent", "execute_tool", "invoke_workflow");
    private static final Set<String> TRACELOOP_NOT_INFERENCE = Set.of("workflow", "task", "agent", "tool");
    private static final List<String> INPUT = List.of("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
    private static final List<String> OUTPUT = List.of("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
    private static final List<String> CACHE_READ =
            List.of("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens");
    private static final List<String> CACHE_WRITE = List.of(
            "gen_ai.usage.cache_creation.input_tokens",
            "gen_ai.usage.cache_write.input_tokens",
            "gen_ai.usage.cache_creation_input_tokens");
    private static final List<String> REASONING =
            List.of("gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens");
    /**
     * The tier served: the response's (the semantic conventions' OpenAI attribute, old and new names),
     * and as a last resort a plain or requested tier.
     */
    private static final List<String> SERVICE_TIER = List.of(
            "openai.response.service_tier",
            "gen_ai.openai.response.service_tier",
            "service_tier",
            "gen_ai.request.service_tier");
    /** Provider names of the conventions that agentmeter spells otherwise. */
    private static final Map<String, String> PROVIDERS = Map.of("aws.bedrock", "aws-bedrock");

    private GenAiSpans() {}

    /**
     * What an export holds: an event per inference span ({@code events}), why some inference spans
     * could not become one ({@code problems}, with their ids), and how many spans were not
     * inference spans ({@code ignored}).
     */
    public record Result(List<UsageEvent> events, List<String> problems, int ignored) {}

    public static Result toEvents(List<OtlpSpan> spans) {
        Map<String, OtlpSpan> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.traceId() + ":" + s.spanId(), s));
        List<UsageEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int ignored = 0;
        for (OtlpSpan span : spans) {
            if (!isInference(span)) {
                ignored++;
                continue;
            }
            try {
                events.add(event(span, byId));
            } catch (IllegalArgumentException e) {
                problems.add("span " + span.traceId() + ":" + span.spanId() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // One span is one unit of failure: whatever it holds, the others of the export still count.
                problems.add("span " + span.traceId() + ":" + span.spanId() + " cannot be read: " + e);
            }
        }
        return new Result(events, problems, ignored);
    }

    static boolean isInference(OtlpSpan span) {
        Map<String, Object> a = span.attributes();
        if (first(a, INPUT) == null && first(a, OUTPUT) == null) {
            return false;
        }
        return !NOT_INFERENCE.contains(String.valueOf(a.get("gen_ai.operation.name")))
                && !TRACELOOP_NOT_INFERENCE.contains(String.valueOf(a.get("traceloop.span.kind")));
    }

    private static boolean isAgentSpan(OtlpSpan span) {
        return "invoke_agent".equals(span.attributes().get("gen_ai.operation.name"))
                || "agent".equals(span.attributes().get("traceloop.span.kind"));
    }

    private static UsageEvent event(OtlpSpan span, Map<String, OtlpSpan> byId) {
        Map<String, Object> a = span.attributes();
        List<String> agents = new ArrayList<>(); // agent spans above, nearest first
        List<OtlpSpan> above = ancestors(span, byId);
        for (OtlpSpan up : above) {
            if (isAgentSpan(up) && text(up.attributes(), "gen_ai.agent.name") != null) {
                agents.add(text(up.attributes(), "gen_ai.agent.name"));
            }
        }
        String agent = text(a, "gen_ai.agent.name");
        if (agent == null && !agents.isEmpty()) {
            agent = agents.remove(0);
        }
        if (agent == null) {
            agent = text(span.resource(), "service.name");
        }
        List<String> chain = new ArrayList<>(agents);
        Collections.reverse(chain); // outermost first

        long input = tokens(a, INPUT);
        long output = tokens(a, OUTPUT);
        long cacheRead = tokens(a, CACHE_READ);
        long cacheWrite = tokens(a, CACHE_WRITE);
        long reasoning = tokens(a, REASONING);
        if (cacheRead + cacheWrite > input) {
            input += cacheRead + cacheWrite; // counts reported outside the input tokens, as Anthropic's API does
        }
        if (reasoning > output) {
            output += reasoning;
        }
        String provider = text(a, "gen_ai.provider.name");
        if (provider == null) {
            provider = text(a, "gen_ai.system");
        }
        String model = text(a, "gen_ai.response.model");
        if (model == null) {
            model = text(a, "gen_ai.request.model");
        }
        Object reasons = a.get("gen_ai.response.finish_reasons");
        String finishReason = reasons instanceof List<?> list && !list.isEmpty()
                ? String.valueOf(list.get(0))
                : reasons instanceof String s ? s : null;
        long start = span.startNanos() != 0 ? span.startNanos() : span.endNanos();
        Long durationMs = span.startNanos() != 0 && span.endNanos() >= span.startNanos()
                ? (span.endNanos() - span.startNanos()) / 1_000_000
                : null;
        String errorMessage =
                span.error() ? (span.statusMessage().isEmpty() ? text(a, "error.type") : span.statusMessage()) : null;
        String taskType = inherited(span, above, "agentmeter.task.type");
        return UsageEvent.builder()
                .eventId(span.traceId() + ":" + span.spanId())
                .timestamp(start == 0 ? Instant.now() : Instant.ofEpochSecond(0, start))
                .kind(UsageEvent.KIND_LLM)
                .agent(agent)
                .handoffChain(chain.isEmpty() ? null : chain)
                .userId(inherited(span, above, "user.id", "enduser.id"))
                .sessionId(inherited(span, above, "session.id", "gen_ai.conversation.id"))
                .teamId(inherited(span, above, "agentmeter.team"))
                .provider(provider == null ? null : PROVIDERS.getOrDefault(provider, provider))
                .model(model)
                .region(text(span.resource(), "cloud.region"))
                .usage(new Usage(input, output, cacheRead, cacheWrite, 0, reasoning, false))
                .providerCostUsd(money(a.get("gen_ai.usage.cost")))
                .serviceTier(first(a, SERVICE_TIER) == null ? null : String.valueOf(first(a, SERVICE_TIER)))
                .call(new Call(
                        text(a, "gen_ai.operation.name"),
                        finishReason,
                        durationMs,
                        span.error() ? Call.STATUS_ERROR : Call.STATUS_SUCCESS,
                        errorMessage,
                        null))
                .task(taskType == null ? null : new Task(taskType, null, null))
                .build();
    }

    private static OtlpSpan parent(OtlpSpan span, Map<String, OtlpSpan> byId) {
        return span.parentSpanId().isEmpty() ? null : byId.get(span.traceId() + ":" + span.parentSpanId());
    }

    /**
     * The spans above {@code span} in this export, nearest first. A span that names itself as its
     * parent, or parents that form a cycle, end the walk where a span would repeat: an exporter's
     * broken ids must not make the collector loop.
     */
    static List<OtlpSpan> ancestors(OtlpSpan span, Map<String, OtlpSpan> byId) {
        List<OtlpSpan> above = new ArrayList<>();
        Set<OtlpSpan> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(span);
        for (OtlpSpan up = parent(span, byId); up != null && seen.add(up); up = parent(up, byId)) {
            above.add(up);
        }
        return above;
    }

    /** The first of {@code keys} on the span, then on the spans above it, then on the resource. */
    private static String inherited(OtlpSpan span, List<OtlpSpan> above, String... keys) {
        for (String key : keys) {
            String value = text(span.attributes(), key);
            if (value != null) {
                return value;
            }
        }
        for (OtlpSpan s : above) {
            for (String key : keys) {
                String value = text(s.attributes(), key);
                if (value != null) {
                    return value;
                }
            }
        }
        for (String key : keys) {
            String value = text(span.resource(), key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String text(Map<String, Object> attributes, String key) {
        Object v = attributes.get(key);
        return v == null || v.toString().isEmpty() ? null : v.toString();
    }

    private static Object first(Map<String, Object> attributes, List<String> keys) {
        for (String key : keys) {
            Object v = attributes.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static long tokens(Map<String, Object> attributes, List<String> keys) {
        Object v = first(attributes, keys);
        if (v == null) {
            return 0;
        }
        try {
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (v instanceof Double d && d == Math.rint(d)) {
                return d.longValue();
            }
            if (v instanceof String s && s.length() <= 40) {
                return Long.parseLong(s.trim());
            }
            throw new ArithmeticException();
        } catch (ArithmeticException | NumberFormatException e) {
            String shown = String.valueOf(v);
            throw new IllegalArgumentException(keys.get(0) + " is "
                    + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + ", not a whole number of tokens");
        }
    }

    private static BigDecimal money(Object v) {
        try {
            if (v == null) {
                return null;
            }
            if (v instanceof BigDecimal d) {
                return d;
            }
            if (v instanceof Double d) {
                return new BigDecimal(Double.toString(d));
            }
            if (v instanceof Long l) {
                return BigDecimal.valueOf(l);
            }
            if (v instanceof String s) {
                if (s.length() > Bounds.MAX_MONEY_CHARS) {
                    throw new NumberFormatException(); // never parse megabytes of digits
                }
                return new BigDecimal(s.trim());
            }
            throw new NumberFormatException();
        } catch (NumberFormatException e) {
            String shown = String.valueOf(v);
            throw new IllegalArgumentException("gen_ai.usage.cost is "
                    + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + ", not an amount in USD");
        }
    }
}
