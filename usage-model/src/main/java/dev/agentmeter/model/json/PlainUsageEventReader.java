package dev.agentmeter.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a UsageEvent written in the contract's plain shape straight from Jackson's token stream,
 * and gives up (returns null) on anything else, which then goes to the data-binding reader as
 * before — so what is accepted, the values read and how errors read do not change.
 *
 * <p>Plain means: one JSON object and nothing after it; only the contract's field names, each at
 * most once; every value of its natural JSON type (strings as strings, counts as integers, money as
 * plain decimal strings such as {@code "0.0105"}, instants as {@code 2026-11-22T10:15:30.123Z});
 * {@code null} only where the field is optional. What the producer client writes is plain, except
 * an event it cut, which says so in {@code truncated} (a field this reader does not take: the
 * processor writes such an event's priced record anew, with the flag at the record's level).
 * Jackson's data binding also accepts coercions (a count as {@code "1000"}, a model as a number),
 * unknown fields and duplicates; those inputs are not plain.
 *
 * <p>Two reasons for this class: binding a record through Jackson's property-based creator was the
 * largest single cost of the processor's per-event work; and plain bytes can be forwarded verbatim
 * (the priced record is the event unchanged plus three fields, see {@link ContractJson#pricedBytes}),
 * as nothing in them needs normalising.
 */
public final class PlainUsageEventReader {

    private static final JsonFactory FACTORY = ContractJson.mapper().getFactory();
    /** UsageEvent's fields in the order the contract's writer puts them (and the bit numbers below). */
    private static final SerializedString[] EVENT_FIELDS = names(
            "schemaVersion",
            "eventId",
            "timestamp",
            "kind",
            "agent",
            "userId",
            "sessionId",
            "teamId",
            "handoffChain",
            "provider",
            "model",
            "region",
            "usage",
            "providerCostUsd",
            "serviceTier",
            "task",
            "call",
            "api",
            "attributes");

    private static final SerializedString[] USAGE_FIELDS = names(
            "inputTokens",
            "outputTokens",
            "cacheReadTokens",
            "cacheWriteTokens",
            "cacheWrite1hTokens",
            "reasoningTokens",
            "estimated");

    /** Thrown (without a stack trace, so cheap to make) the moment the input turns out not to be plain. */
    private static final class NotPlain extends RuntimeException {
        private NotPlain() {
            super("not the plain UsageEvent shape", null, false, false);
        }
    }

    private PlainUsageEventReader() {}

    private static SerializedString[] names(String... names) {
        SerializedString[] out = new SerializedString[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = new SerializedString(names[i]);
        }
        return out;
    }

    /** The event, or null when the bytes are not a plain UsageEvent (including when they are not JSON at all). */
    public static UsageEvent read(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            UsageEvent event = event(p);
            return p.nextToken() == null ? event : null;
        } catch (NotPlain | IOException e) {
            return null; // data binding reads it, or says exactly what is wrong
        }
    }

    private static UsageEvent event(JsonParser p) throws IOException {
        Integer schemaVersion = null;
        String eventId = null;
        Instant timestamp = null;
        String kind = null;
        String agent = null;
        String userId = null;
        String sessionId = null;
        String teamId = null;
        List<String> handoffChain = null;
        String provider = null;
        String model = null;
        String region = null;
        Usage usage = null;
        BigDecimal providerCostUsd = null;
        String serviceTier = null;
        Task task = null;
        Call call = null;
        ApiCall api = null;
        Map<String, String> attributes = null;
        int seen = 0;
        for (String name = nextName(p, EVENT_FIELDS, 0); name != null; name = nextName(p, EVENT_FIELDS, seen)) {
            JsonToken t = p.nextToken();
            int field;
            switch (name) {
                case "schemaVersion" -> {
                    field = 0;
                    schemaVersion = t == JsonToken.VALUE_NULL ? null : intValue(p, t);
                }
                case "eventId" -> {
                    field = 1;
                    eventId = string(p, t);
                }
                case "timestamp" -> {
                    field = 2;
                    timestamp = instant(p, t);
                }
                case "kind" -> {
                    field = 3;
                    kind = string(p, t);
                }
                case "agent" -> {
                    field = 4;
                    agent = string(p, t);
                }
                case "userId" -> {
                    field = 5;
                    userId = string(p, t);
                }
                case "sessionId" -> {
                    field = 6;
                    sessionId = string(p, t);
                }
                case "teamId" -> {
                    field = 7;
                    teamId = string(p, t);
                }
                case "handoffChain" -> {
                    field = 8;
                    handoffChain = strings(p, t);
                }
                case "provider" -> {
                    field = 9;
                    provider = string(p, t);
                }
                case "model" -> {
                    field = 10;
                    model = string(p, t);
                }
                case "region" -> {
                    field = 11;
                    region = string(p, t);
                }
                case "usage" -> {
                    field = 12;
                    usage = t == JsonToken.VALUE_NULL ? null : usage(p, t);
                }
                case "providerCostUsd" -> {
                    field = 13;
                    providerCostUsd = money(p, t);
                }
                case "serviceTier" -> {
                    field = 14;
                    serviceTier = string(p, t);
                }
                case "task" -> {
                    field = 15;
                    task = t == JsonToken.VALUE_NULL ? null : task(p, t);
                }
                case "call" -> {
                    field = 16;
                    call = t == JsonToken.VALUE_NULL ? null : call(p, t);
                }
                case "api" -> {
                    field = 17;
                    api = t == JsonToken.VALUE_NULL ? null : api(p, t);
                }
                case "attributes" -> {
                    field = 18;
                    attributes = stringMap(p, t);
                }
                default -> throw new NotPlain();
            }
            seen = once(seen, field);
        }
        return new UsageEvent(
                schemaVersion,
                eventId,
                timestamp,
                kind,
                agent,
                userId,
                sessionId,
                teamId,
                handoffChain,
                provider,
                model,
                region,
                usage,
                providerCostUsd,
                serviceTier,
                task,
                call,
                api,
                attributes,
                null);
    }

    private static Usage usage(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        long input = 0;
        long output = 0;
        long cacheRead = 0;
        long cacheWrite = 0;
        long cacheWrite1h = 0;
        long reasoning = 0;
        boolean estimated = false;
        int seen = 0;
        for (String name = nextName(p, USAGE_FIELDS, 0); name != null; name = nextName(p, USAGE_FIELDS, seen)) {
            JsonToken v = p.nextToken();
            int field;
            switch (name) {
                case "inputTokens" -> {
                    field = 0;
                    input = longValue(p, v);
                }
                case "outputTokens" -> {
                    field = 1;
                    output = longValue(p, v);
                }
                case "cacheReadTokens" -> {
                    field = 2;
                    cacheRead = longValue(p, v);
                }
                case "cacheWriteTokens" -> {
                    field = 3;
                    cacheWrite = longValue(p, v);
                }
                case "cacheWrite1hTokens" -> {
                    field = 4;
                    cacheWrite1h = longValue(p, v);
                }
                case "reasoningTokens" -> {
                    field = 5;
                    reasoning = longValue(p, v);
                }
                case "estimated" -> {
                    field = 6;
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw new NotPlain();
                    }
                    estimated = v == JsonToken.VALUE_TRUE;
                }
                default -> throw new NotPlain();
            }
            seen = once(seen, field);
        }
        return new Usage(input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, estimated);
    }

    private static Task task(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        String type = null;
        String complexity = null;
        String description = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            int field;
            switch (name) {
                case "type" -> {
                    field = 0;
                    type = string(p, v);
                }
                case "complexity" -> {
                    field = 1;
                    complexity = string(p, v);
                }
                case "description" -> {
                    field = 2;
                    description = string(p, v);
                }
                default -> throw new NotPlain();
            }
            seen = once(seen, field);
        }
        return new Task(type, complexity, description);
    }

    private static Call call(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        String method = null;
        String finishReason = null;
        Long durationMs = null;
        String status = null;
        String errorMessage = null;
        Long promptChars = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            int field;
            switch (name) {
                case "method" -> {
                    field = 0;
                    method = string(p, v);
                }
                case "finishReason" -> {
                    field = 1;
                    finishReason = string(p, v);
                }
                case "durationMs" -> {
                    field = 2;
                    durationMs = v == JsonToken.VALUE_NULL ? null : longValue(p, v);
                }
                case "status" -> {
                    field = 3;
                    status = string(p, v);
                }
                case "errorMessage" -> {
                    field = 4;
                    errorMessage = string(p, v);
                }
                case "promptChars" -> {
                    field = 5;
                    promptChars = v == JsonToken.VALUE_NULL ? null : longValue(p, v);
                }
                default -> throw new NotPlain();
            }
            seen = once(seen, field);
        }
        return new Call(method, finishReason, durationMs, status, errorMessage, promptChars);
    }

    private static ApiCall api(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        String service = null;
        String endpoint = null;
        Integer statusCode = null;
        BigDecimal costUsd = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            int field;
            switch (name) {
                case "service" -> {
                    field = 0;
                    service = string(p, v);
                }
                case "endpoint" -> {
                    field = 1;
                    endpoint = string(p, v);
                }
                case "statusCode" -> {
                    field = 2;
                    statusCode = v == JsonToken.VALUE_NULL ? null : intValue(p, v);
                }
                case "costUsd" -> {
                    field = 3;
                    costUsd = money(p, v);
                }
                default -> throw new NotPlain();
            }
            seen = once(seen, field);
        }
        return new ApiCall(service, endpoint, statusCode, costUsd);
    }

    /**
     * The next field's name, or null at the end of the object. The contract's writer puts fields in
     * {@code order}: the field after the last one read ({@code seen}'s highest bit) is tried first,
     * compared as bytes, without a symbol-table lookup of the name.
     */
    private static String nextName(JsonParser p, SerializedString[] order, int seen) throws IOException {
        int expected = 32 - Integer.numberOfLeadingZeros(seen);
        if (expected >= order.length) {
            return p.nextFieldName(); // after the last field: a duplicate (not plain), or the object's end
        }
        if (p.nextFieldName(order[expected])) {
            return order[expected].getValue();
        }
        return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    /** Marks a field as read; a field named twice is not plain (which one counts would be the reader's choice). */
    private static int once(int seen, int field) {
        int bit = 1 << field;
        if ((seen & bit) != 0) {
            throw new NotPlain();
        }
        return seen | bit;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new NotPlain();
        }
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        expect(t, JsonToken.VALUE_NULL);
        return null;
    }

    private static int intValue(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.VALUE_NUMBER_INT);
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw new NotPlain();
        }
        return p.getIntValue();
    }

    private static long longValue(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.VALUE_NUMBER_INT);
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw new NotPlain();
        }
        return p.getLongValue();
    }

    private static Instant instant(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        Instant at = IsoInstantDeserializer.parseCanonical(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (at == null) {
            throw new NotPlain();
        }
        return at;
    }

    /** Money as the contract writes it: a string of digits with an optional sign and fraction ({@code "-0.0105"}). */
    private static BigDecimal money(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        int i = off;
        int end = off + len;
        if (i < end && c[i] == '-') {
            i++;
        }
        int digits = 0;
        while (i < end && c[i] >= '0' && c[i] <= '9') {
            i++;
            digits++;
        }
        if (digits == 0 || digits > 40) {
            throw new NotPlain();
        }
        if (i < end) {
            if (c[i] != '.') {
                throw new NotPlain();
            }
            i++;
            int fraction = 0;
            while (i < end && c[i] >= '0' && c[i] <= '9') {
                i++;
                fraction++;
            }
            if (fraction == 0 || fraction > 40 || i != end) {
                throw new NotPlain();
            }
        }
        return new BigDecimal(c, off, len);
    }

    private static List<String> strings(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY);
        List<String> values = new ArrayList<>();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            expect(v, JsonToken.VALUE_STRING);
            values.add(p.getText());
        }
        return values;
    }

    private static Map<String, String> stringMap(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        Map<String, String> values = new HashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            expect(p.nextToken(), JsonToken.VALUE_STRING);
            if (values.put(name, p.getText()) != null) {
                throw new NotPlain();
            }
        }
        return values;
    }
}
