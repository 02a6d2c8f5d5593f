package dev.agentmeter.model.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.PlainUsageEventReader;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Bytes to a valid UsageEvent or the reasons it is not one, without throwing: non-JSON and wrong
 * types become a {@link Violation} naming the field, rule breaks come from {@link UsageEventValidator}.
 * Text is cut and made storable ({@link FreeText}) before the rules are checked, so it is never
 * the reason for a rejection.
 */
public final class UsageEventParser {

    /**
     * Resolved once: {@code readValue(bytes, type)} looks the type up again on every call. A field
     * named twice is refused: which of the two counts would be each reader's choice (the plain
     * reader already gives such input up).
     */
    private static final ObjectReader READER =
            ContractJson.mapper().readerFor(UsageEvent.class).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final UsageEventValidator validator;

    public UsageEventParser(UsageEventValidator validator) {
        this.validator = validator;
    }

    /**
     * The outcome: exactly one of {@code event} (valid) or a non-empty {@code violations}. {@code plain}:
     * the bytes were the contract's plain shape ({@link PlainUsageEventReader}) and nothing in them
     * was cut or replaced, so they may be forwarded verbatim as the event. {@code cut}: text was cut
     * here (the event is then marked truncated); {@code replaced}: characters replaced by U+FFFD.
     */
    public record Result(UsageEvent event, List<Violation> violations, boolean plain, boolean cut, int replaced) {
        public boolean valid() {
            return violations.isEmpty();
        }

        /** All violations in one line, for a rejection header or a log line. */
        public String reason() {
            return violations.stream().map(Violation::message).collect(Collectors.joining("; "));
        }

        /** The first violation's field: the one header value a dead-letter consumer can filter on. */
        public String field() {
            return violations.isEmpty() ? "" : violations.get(0).field();
        }
    }

    public Result parse(byte[] bytes) {
        return parse(bytes, UnaryOperator.identity());
    }

    /**
     * As {@link #parse(byte[])}, with {@code fill} applied to the event read before it is cut and
     * checked: an ingest service fills in what its senders may leave out (eventId, timestamp). An
     * event it changed is never plain.
     */
    public Result parse(byte[] bytes, UnaryOperator<UsageEvent> fill) {
        if (bytes == null || bytes.length == 0) {
            return rejected(new Violation("", "json", "the record value is empty; expected a UsageEvent JSON object"));
        }
        UsageEvent event = PlainUsageEventReader.read(bytes);
        boolean plain = event != null;
        try {
            if (!plain) {
                event = READER.readValue(bytes);
            }
        } catch (IOException e) {
            return rejected(ContractReader.failure(e, bytes));
        }
        UsageEvent filled = fill.apply(event);
        plain &= Objects.equals(filled, event);
        FreeText.Cut cut = FreeText.cut(filled);
        List<Violation> violations = validator.validate(cut.event());
        return violations.isEmpty()
                ? new Result(cut.event(), List.of(), plain && !cut.changed(), cut.cut(), cut.replaced())
                : new Result(null, List.copyOf(violations), false, false, 0);
    }

    private static Result rejected(Violation v) {
        return new Result(null, List.of(v), false, false, 0);
    }
}
