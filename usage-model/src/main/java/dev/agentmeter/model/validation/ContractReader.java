package dev.agentmeter.model.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.JsonPaths;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Reads contract JSON into a record without throwing: whatever the bytes hold (not JSON, a wrong
 * type, a number beyond its type, a field given twice, nesting deeper than the reader allows)
 * becomes one {@link Violation} naming the field. A field named twice is refused: which of the
 * two counts would otherwise be each reader's choice.
 *
 * @param <T> the contract record
 */
public final class ContractReader<T> {

    /** The record read, or the one reason it could not be; exactly one is non-null. */
    public record Read<T>(T value, Violation violation) {
        public boolean ok() {
            return violation == null;
        }
    }

    private final ObjectReader reader;

    private ContractReader(Class<T> type) {
        this.reader = ContractJson.mapper().readerFor(type).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public static <T> ContractReader<T> of(Class<T> type) {
        return new ContractReader<>(type);
    }

    public Read<T> read(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new Read<>(null, new Violation("", "json", "the record value is empty; expected a JSON object"));
        }
        try {
            T value = reader.readValue(bytes);
            return value == null
                    ? new Read<>(null, new Violation("", "required", "the record is empty (JSON null)"))
                    : new Read<>(value, null);
        } catch (IOException e) {
            return new Read<>(null, failure(e, bytes));
        }
    }

    /** The violation a failed read stands for, naming the field where one is known. */
    static Violation failure(IOException e, byte[] bytes) {
        if (e instanceof MismatchedInputException m) {
            String field = path(m);
            String why = m instanceof InvalidFormatException ife && ife.getValue() != null
                    ? "value '" + shorten(String.valueOf(ife.getValue())) + "' has the wrong type or format"
                    : "has the wrong type";
            return new Violation(
                    field, "type", where(field) + " " + why + " (expected " + expected(m.getTargetType()) + ")");
        }
        if (e instanceof ValueInstantiationException v) {
            // A record's own check refused the value (a scope that is not TYPE:ID, a zone that is none).
            String field = path(v);
            String cause = v.getCause() != null ? v.getCause().getMessage() : v.getOriginalMessage();
            return new Violation(field, "value", where(field) + " is refused: " + shorten(cause));
        }
        if (e instanceof JsonMappingException m) {
            if (m.getCause() instanceof StreamReadException read) {
                return readFailure(read); // data binding wraps what the parser found
            }
            String field = path(m);
            return new Violation(field, "type", where(field) + " cannot be read: " + shorten(m.getOriginalMessage()));
        }
        if (e instanceof StreamReadException read) {
            return readFailure(read);
        }
        if (e instanceof StreamConstraintsException c) {
            String field = JsonPaths.failureIn(bytes);
            return new Violation(
                    field,
                    "json",
                    "the record is beyond what is read" + (field.isEmpty() ? "" : " (at " + field + ")") + ": "
                            + shorten(c.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException j) {
            return new Violation("", "json", "the record is not valid JSON: " + shorten(j.getOriginalMessage()));
        }
        return new Violation("", "json", "the record cannot be read: " + shorten(e.getMessage()));
    }

    /** What the parser itself refused: a number out of its type's range, a field given twice, broken JSON. */
    private static Violation readFailure(StreamReadException e) {
        String field = JsonPaths.at(e);
        if (e instanceof InputCoercionException) {
            return new Violation(field, "type", where(field) + " is out of range: " + shorten(e.getOriginalMessage()));
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
            String duplicate = JsonPaths.duplicate(e);
            return new Violation(duplicate, "duplicate", duplicate + " is given twice; give each field once");
        }
        return new Violation(
                field,
                "json",
                "the record is not valid JSON" + (field.isEmpty() ? "" : " (at " + field + ")") + ": "
                        + shorten(e.getOriginalMessage()));
    }

    private static String where(String field) {
        return field.isEmpty() ? "the record" : field;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    /** The JSON a field takes, as a sender would fix it. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            return "a JSON integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == BigDecimal.class) {
            return "a decimal string such as \"0.0105\" or a JSON number";
        }
        if (type == Instant.class) {
            return "an ISO-8601 UTC instant string such as \"2026-11-22T10:15:30.123Z\"";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
