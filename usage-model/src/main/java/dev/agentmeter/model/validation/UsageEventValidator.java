package dev.agentmeter.model.validation;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's reasons to reject a UsageEvent, in one place: the producer client checks events
 * with it before they leave the process and the stream processor checks them again on arrival.
 * An event is rejected only when it cannot be priced or attributed: a required field missing, a
 * wrong type, token arithmetic that does not hold, an identifier ({@code eventId}, {@code agent},
 * {@code userId}, {@code sessionId}, {@code teamId}, {@code model}) out of bounds. Free text and
 * labels are never a reason: {@link FreeText#cut} cuts them first. Returns every violation, not just
 * the first, so one rejection tells the sender everything to fix.
 */
public final class UsageEventValidator {

    /** Code points of an eventId. */
    public static final int MAX_EVENT_ID = 128;
    /** Code points of the other identifiers. */
    public static final int MAX_NAME = FreeText.MAX_LABEL;

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
            v.add(new Violation(
                    "schemaVersion",
                    "supportedVersion",
                    "schemaVersion " + e.schemaVersion() + " is not supported; this processor reads schemaVersion "
                            + UsageEvent.SCHEMA_VERSION));
        }
        identifier(v, "eventId", e.eventId(), true, MAX_EVENT_ID);
        timestamp(v, e.timestamp());
        identifier(v, "agent", e.agent(), true, MAX_NAME);
        identifier(v, "userId", e.userId(), false, MAX_NAME);
        identifier(v, "sessionId", e.sessionId(), false, MAX_NAME);
        identifier(v, "teamId", e.teamId(), false, MAX_NAME);
        add(v, Bounds.money("providerCostUsd", e.providerCostUsd()));
        if (e.serviceTier() != null && !ServiceTiers.valid(e.serviceTier())) {
            v.add(
                    new Violation(
                            "serviceTier",
                            "serviceTier",
                            "serviceTier '" + FreeText.prefix(e.serviceTier(), 40)
                                    + "' is not a tier name: 1 to 40 characters of a-z, 0-9, _ and - (standard, batch, flex, priority)"));
        }

        if (e.kind() == null) {
            v.add(required("kind"));
        } else if (e.isLlm()) {
            identifier(v, "model", e.model(), true, MAX_NAME);
            usage(v, e.usage());
        } else if (e.isApi()) {
            identifier(v, "model", e.model(), false, MAX_NAME);
            if (e.usage() != null) {
                usage(v, e.usage());
            }
            api(v, e.api());
        } else {
            v.add(new Violation("kind", "oneOf", "kind '" + shorten(e.kind()) + "' is not one of: llm, api"));
        }
        call(v, e.call());
        return v;
    }

    private void timestamp(List<Violation> v, Instant ts) {
        if (ts == null) {
            v.add(required("timestamp"));
            return;
        }
        add(v, Bounds.timestamp("timestamp", ts, clock.instant().plus(maxFutureSkew), skew()));
    }

    /** The allowed skew as a person writes it: 24h, 90s. */
    private String skew() {
        long seconds = maxFutureSkew.toSeconds();
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "min" : seconds + "s";
    }

    private static void usage(List<Violation> v, Usage u) {
        if (u == null) {
            v.add(new Violation("usage", "required", "usage is required for kind llm (token counts of the call)"));
            return;
        }
        int before = v.size();
        add(v, Bounds.count("usage.inputTokens", u.inputTokens()));
        add(v, Bounds.count("usage.outputTokens", u.outputTokens()));
        add(v, Bounds.count("usage.cacheReadTokens", u.cacheReadTokens()));
        add(v, Bounds.count("usage.cacheWriteTokens", u.cacheWriteTokens()));
        add(v, Bounds.count("usage.cacheWrite1hTokens", u.cacheWrite1hTokens()));
        add(v, Bounds.count("usage.reasoningTokens", u.reasoningTokens()));
        if (v.size() > before) {
            return; // the sums below are only meaningful (and cannot overflow) within bounds
        }
        long cached = u.cacheReadTokens() + u.cacheWriteTokens();
        if (cached > u.inputTokens()) {
            String field = u.cacheWriteTokens() == 0 ? "usage.cacheReadTokens" : "usage.cacheWriteTokens";
            String what = u.cacheWriteTokens() == 0
                    ? "usage.cacheReadTokens (" + u.cacheReadTokens() + ")"
                    : u.cacheReadTokens() == 0
                            ? "usage.cacheWriteTokens (" + u.cacheWriteTokens() + ")"
                            : "usage.cacheReadTokens + usage.cacheWriteTokens (" + cached + ")";
            v.add(new Violation(
                    field,
                    "cacheWithinInput",
                    what + " exceeds usage.inputTokens (" + u.inputTokens()
                            + "); inputTokens must include cache reads and writes"));
        }
        if (u.cacheWrite1hTokens() > u.cacheWriteTokens()) {
            v.add(new Violation(
                    "usage.cacheWrite1hTokens",
                    "cacheWrite1hWithinCacheWrite",
                    "usage.cacheWrite1hTokens (" + u.cacheWrite1hTokens() + ") exceeds usage.cacheWriteTokens ("
                            + u.cacheWriteTokens() + "); one-hour writes are part of the cache writes"));
        }
        if (u.reasoningTokens() > u.outputTokens()) {
            v.add(new Violation(
                    "usage.reasoningTokens",
                    "reasoningWithinOutput",
                    "usage.reasoningTokens (" + u.reasoningTokens() + ") exceeds usage.outputTokens ("
                            + u.outputTokens() + "); outputTokens must include reasoning tokens"));
        }
    }

    private static void api(List<Violation> v, ApiCall api) {
        if (api == null) {
            v.add(new Violation(
                    "api", "required", "api is required for kind api ({service, endpoint, statusCode, costUsd})"));
            return;
        }
        if (api.service() == null) {
            v.add(required("api.service"));
        }
        add(v, Bounds.money("api.costUsd", api.costUsd()));
        if (api.statusCode() != null
                && (api.statusCode() < Bounds.MIN_STATUS_CODE || api.statusCode() > Bounds.MAX_STATUS_CODE)) {
            v.add(new Violation(
                    "api.statusCode",
                    "httpStatus",
                    "api.statusCode " + api.statusCode() + " is not an HTTP status code (100-599)"));
        }
    }

    private static void call(List<Violation> v, Call call) {
        if (call == null) {
            return;
        }
        if (call.durationMs() != null) {
            add(v, Bounds.count("call.durationMs", call.durationMs(), Bounds.MAX_DURATION_MS));
        }
        if (call.promptChars() != null) {
            add(v, Bounds.count("call.promptChars", call.promptChars()));
        }
    }

    /** An identifier: 1 to {@code max} code points, each storable (no U+0000, no unpaired surrogate). */
    private static void identifier(List<Violation> v, String field, String value, boolean required, int max) {
        if (value == null) {
            if (required) {
                v.add(required(field));
            }
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (length == 0) {
            v.add(new Violation(
                    field, "length", field + " is empty; give 1 to " + max + " characters or leave it out"));
        } else if (length > max) {
            v.add(new Violation(
                    field, "length", field + " has " + length + " characters; at most " + max + " are accepted"));
        }
        if (!FreeText.isStorable(value)) {
            v.add(new Violation(
                    field,
                    "storable",
                    field + " contains U+0000 or an unpaired UTF-16 surrogate, which"
                            + " cannot be stored; an identifier must be plain text"));
        }
    }

    private static void add(List<Violation> v, Violation violation) {
        if (violation != null) {
            v.add(violation);
        }
    }

    private static Violation required(String field) {
        return new Violation(field, "required", field + " is required");
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
