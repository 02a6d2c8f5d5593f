package dev.agentmeter.model.validation;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract's rules for a UsageEvent, in one place: the producer client checks events with it
 * before they leave the process and the stream processor checks them again on arrival. Returns
 * every violation, not just the first, so one rejection tells the sender everything to fix.
 */
public final class UsageEventValidator {

    public static final int MAX_EVENT_ID = 128;
    public static final int MAX_NAME = 200;
    /** Free text (task description, error message) is capped so one record cannot carry a whole prompt. */
    public static final int MAX_TEXT = 4000;
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_ATTRIBUTE_VALUE = 1000;
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(24);

    private final Clock clock;
    private final Duration maxFutureSkew;

    public UsageEventValidator() {
        this(Clock.systemUTC(), DEFAULT_MAX_FUTURE_SKEW);
    }

    /**
     * @param clock         what "now" is, for rejecting timestamps from the future
     * @param maxFutureSkew how far ahead of {@code clock} a timestamp may be (clock drift between hosts)
     */
    public UsageEventValidator(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    public List<Violation> validate(UsageEvent e) {
        List<Violation> v = new ArrayList<>();
        if (e == null) {
            v.add(new Violation("", "required", "the event is empty (JSON null)"));
            return v;
        }
        if (e.schemaVersion() == null) {
            v.add(required("schemaVersion"));
        } else if (e.schemaVersion() != UsageEvent.SCHEMA_VERSION) {
            v.add(new Violation("schemaVersion", "supportedVersion", "schemaVersion " + e.schemaVersion()
                    + " is not supported; this processor reads schemaVersion " + UsageEvent.SCHEMA_VERSION));
        }
        text(v, "eventId", e.eventId(), true, MAX_EVENT_ID);
        timestamp(v, e.timestamp());
        text(v, "agent", e.agent(), true, MAX_NAME);
        text(v, "userId", e.userId(), false, MAX_NAME);
        text(v, "sessionId", e.sessionId(), false, MAX_NAME);
        text(v, "teamId", e.teamId(), false, MAX_NAME);
        text(v, "provider", e.provider(), false, MAX_NAME);
        text(v, "region", e.region(), false, MAX_NAME);
        if (e.handoffChain() != null) {
            for (int i = 0; i < e.handoffChain().size(); i++) {
                text(v, "handoffChain[" + i + "]", e.handoffChain().get(i), true, MAX_NAME);
            }
        }
        nonNegative(v, "providerCostUsd", e.providerCostUsd());

        if (e.kind() == null) {
            v.add(required("kind"));
        } else if (e.isLlm()) {
            text(v, "model", e.model(), true, MAX_NAME);
            usage(v, e.usage());
        } else if (e.isApi()) {
            text(v, "model", e.model(), false, MAX_NAME);
            if (e.usage() != null) {
                usage(v, e.usage());
            }
            api(v, e.api());
        } else {
            v.add(new Violation("kind", "oneOf", "kind '" + shorten(e.kind()) + "' is not one of: llm, api"));
        }
        task(v, e.task());
        call(v, e.call());
        attributes(v, e.attributes());
        return v;
    }

    private void timestamp(List<Violation> v, Instant ts) {
        if (ts == null) {
            v.add(required("timestamp"));
            return;
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        if (ts.isAfter(latest)) {
            v.add(new Violation("timestamp", "notInFuture", "timestamp " + ts + " is more than "
                    + maxFutureSkew.toHours() + "h in the future; check the sender's clock"));
        }
    }

    private static void usage(List<Violation> v, Usage u) {
        if (u == null) {
            v.add(new Violation("usage", "required", "usage is required for kind llm (token counts of the call)"));
            return;
        }
        nonNegative(v, "usage.inputTokens", u.inputTokens());
        nonNegative(v, "usage.outputTokens", u.outputTokens());
        nonNegative(v, "usage.cacheReadTokens", u.cacheReadTokens());
        nonNegative(v, "usage.cacheWriteTokens", u.cacheWriteTokens());
        nonNegative(v, "usage.cacheWrite1hTokens", u.cacheWrite1hTokens());
        nonNegative(v, "usage.reasoningTokens", u.reasoningTokens());
        long cached = u.cacheReadTokens() + u.cacheWriteTokens();
        if (u.inputTokens() >= 0 && u.cacheReadTokens() >= 0 && u.cacheWriteTokens() >= 0 && cached > u.inputTokens()) {
            String field = u.cacheWriteTokens() == 0 ? "usage.cacheReadTokens" : "usage.cacheWriteTokens";
            String what = u.cacheWriteTokens() == 0
                    ? "usage.cacheReadTokens (" + u.cacheReadTokens() + ")"
                    : u.cacheReadTokens() == 0
                    ? "usage.cacheWriteTokens (" + u.cacheWriteTokens() + ")"
                    : "usage.cacheReadTokens + usage.cacheWriteTokens (" + cached + ")";
            v.add(new Violation(field, "cacheWithinInput", what + " exceeds usage.inputTokens ("
                    + u.inputTokens() + "); inputTokens must include cache reads and writes"));
        }
        if (u.cacheWriteTokens() >= 0 && u.cacheWrite1hTokens() > u.cacheWriteTokens()) {
            v.add(new Violation("usage.cacheWrite1hTokens", "cacheWrite1hWithinCacheWrite",
                    "usage.cacheWrite1hTokens (" + u.cacheWrite1hTokens() + ") exceeds usage.cacheWriteTokens ("
                            + u.cacheWriteTokens() + "); one-hour writes are part of the cache writes"));
        }
        if (u.outputTokens() >= 0 && u.reasoningTokens() > u.outputTokens()) {
            v.add(new Violation("usage.reasoningTokens", "reasoningWithinOutput",
                    "usage.reasoningTokens (" + u.reasoningTokens() + ") exceeds usage.outputTokens ("
                            + u.outputTokens() + "); outputTokens must include reasoning tokens"));
        }
    }

    private static void api(List<Violation> v, ApiCall api) {
        if (api == null) {
            v.add(new Violation("api", "required", "api is required for kind api ({service, endpoint, statusCode, costUsd})"));
            return;
        }
        text(v, "api.service", api.service(), true, MAX_NAME);
        text(v, "api.endpoint", api.endpoint(), false, MAX_TEXT);
        nonNegative(v, "api.costUsd", api.costUsd());
        if (api.statusCode() != null && (api.statusCode() < 100 || api.statusCode() > 599)) {
            v.add(new Violation("api.statusCode", "httpStatus", "api.statusCode " + api.statusCode()
                    + " is not an HTTP status code (100-599)"));
        }
    }

    private static void task(List<Violation> v, Task task) {
        if (task == null) {
            return;
        }
        text(v, "task.type", task.type(), false, MAX_NAME);
        text(v, "task.complexity", task.complexity(), false, MAX_NAME);
        text(v, "task.description", task.description(), false, MAX_TEXT);
    }

    private static void call(List<Violation> v, Call call) {
        if (call == null) {
            return;
        }
        text(v, "call.method", call.method(), false, MAX_NAME);
        text(v, "call.finishReason", call.finishReason(), false, MAX_NAME);
        text(v, "call.status", call.status(), false, MAX_NAME);
        text(v, "call.errorMessage", call.errorMessage(), false, MAX_TEXT);
        if (call.durationMs() != null) {
            nonNegative(v, "call.durationMs", call.durationMs());
        }
        if (call.promptChars() != null) {
            nonNegative(v, "call.promptChars", call.promptChars());
        }
    }

    private static void attributes(List<Violation> v, Map<String, String> attributes) {
        if (attributes == null) {
            return;
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            v.add(new Violation("attributes", "maxEntries", "attributes has " + attributes.size()
                    + " entries; at most " + MAX_ATTRIBUTES + " are accepted"));
        }
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(a -> {
            text(v, "attributes." + shorten(a.getKey()), a.getKey(), true, MAX_NAME);
            text(v, "attributes." + shorten(a.getKey()), a.getValue(), false, MAX_ATTRIBUTE_VALUE);
        });
    }

    private static void text(List<Violation> v, String field, String value, boolean required, int max) {
        if (value == null) {
            if (required) {
                v.add(required(field));
            }
            return;
        }
        if (value.isEmpty()) {
            v.add(new Violation(field, "length", field + " is empty; give 1 to " + max + " characters or leave it out"));
        } else if (value.length() > max) {
            v.add(new Violation(field, "length", field + " has " + value.length() + " characters; at most "
                    + max + " are accepted"));
        }
    }

    private static void nonNegative(List<Violation> v, String field, long value) {
        if (value < 0) {
            v.add(new Violation(field, "nonNegative", field + " is " + value + "; token counts and durations cannot be negative"));
        }
    }

    private static void nonNegative(List<Violation> v, String field, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            v.add(new Violation(field, "nonNegative", field + " is " + value.toPlainString() + "; a cost cannot be negative"));
        }
    }

    private static Violation required(String field) {
        return new Violation(field, "required", field + " is required");
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
