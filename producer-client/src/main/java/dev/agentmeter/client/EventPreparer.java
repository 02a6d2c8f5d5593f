package dev.agentmeter.client;

import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.client.redact.Redactor;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.FreeText;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a tracked event into what is sent, on the sender's thread: missing token counts estimated,
 * free text redacted (prompts and secrets never leave the process), then cut as the contract says
 * (never a reason to drop an event), validated, and written as the contract's JSON, keyed by eventId.
 *
 * <p>Redaction comes before the cut, so that a secret across the cut is still recognised whole.
 * Text longer than twice its limit is shortened to that first, so the redactor's patterns never run
 * over a pasted megabyte; whatever is shortened is beyond the limit anyway.
 */
final class EventPreparer {

    /** What comes out for one tracked event. */
    sealed interface Prepared {}

    /** Ready to send: {@code cut} says that free text was cut (the event is marked truncated). */
    record Ready(UsageEvent event, String key, byte[] json, boolean cut) implements Prepared {}

    /** Breaks the contract: never sent, reported with a sentence a person can act on. */
    record Invalid(UsageEvent event, String reason, Throwable cause) implements Prepared {}

    private final Redactor redactor;
    private final UsageEventValidator validator;

    EventPreparer(Redactor redactor, Duration maxFutureSkew) {
        this.redactor = redactor;
        this.validator = new UsageEventValidator(Clock.systemUTC(), maxFutureSkew);
    }

    Prepared prepare(UsageEvent tracked) {
        UsageEvent event;
        boolean shortened;
        try {
            event = estimate(tracked);
            Redacted redacted = redact(event);
            event = redacted.event();
            shortened = redacted.shortened();
        } catch (RuntimeException e) {
            return new Invalid(tracked, "the event could not be prepared: " + e.getMessage(), e);
        }
        FreeText.Cut cut = FreeText.cut(event);
        event = shortened ? cut.event().toBuilder().truncated(true).build() : cut.event();
        List<Violation> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            return new Invalid(
                    event, violations.stream().map(Violation::message).collect(Collectors.joining("; ")), null);
        }
        return new Ready(event, event.recordKey(), ContractJson.toBytes(event), shortened || cut.cut());
    }

    private static UsageEvent estimate(UsageEvent e) {
        if (e.isLlm() && e.usage() == null && e.call() != null && e.call().promptChars() != null) {
            return e.toBuilder()
                    .usage(TokenEstimator.estimate(e.call().promptChars(), -1))
                    .build();
        }
        return e;
    }

    private record Redacted(UsageEvent event, boolean shortened) {}

    /** Redacts {@code task.description}, {@code call.errorMessage} and attribute values. */
    private Redacted redact(UsageEvent e) {
        UsageEvent.Builder b = null;
        boolean shortened = false;
        Task task = e.task();
        if (task != null && task.description() != null) {
            String head = FreeText.prefix(task.description(), 2 * FreeText.MAX_TEXT);
            shortened = head.length() < task.description().length();
            String clean = redactor.redact(head);
            if (!clean.equals(task.description())) {
                b = e.toBuilder().task(task.withDescription(clean));
            }
        }
        Call call = e.call();
        if (call != null && call.errorMessage() != null) {
            String head = FreeText.prefix(call.errorMessage(), 2 * FreeText.MAX_TEXT);
            shortened |= head.length() < call.errorMessage().length();
            String clean = redactor.redact(head);
            if (!clean.equals(call.errorMessage())) {
                b = (b != null ? b : e.toBuilder()).call(call.withErrorMessage(clean));
            }
        }
        if (e.attributes() != null && !e.attributes().isEmpty()) {
            Map<String, String> clean = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, String> a : e.attributes().entrySet()) {
                String head = FreeText.prefix(a.getValue(), 2 * FreeText.MAX_ATTRIBUTE_VALUE);
                shortened |= head != null && head.length() < a.getValue().length();
                String v = redactor.redact(head);
                changed |= v != null && !v.equals(a.getValue());
                clean.put(a.getKey(), v);
            }
            if (changed) {
                b = (b != null ? b : e.toBuilder()).attributes(clean);
            }
        }
        return new Redacted(b == null ? e : b.build(), shortened);
    }
}
