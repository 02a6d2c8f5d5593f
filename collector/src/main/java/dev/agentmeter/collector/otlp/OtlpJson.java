package dev.agentmeter.collector.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP/HTTP's JSON encoding ({@code application/json}) of trace exports and their answers: field
 * names in lowerCamelCase, trace and span ids as hex strings, 64-bit integers as strings or numbers,
 * enums as integers (their names are accepted too).
 */
public final class OtlpJson {

    public static final String CONTENT_TYPE = "application/json";
    private static final int STATUS_CODE_ERROR = 2;

    private OtlpJson() {}

    /** The spans of an ExportTraceServiceRequest; fails with a sentence when the bytes are not one. */
    public static List<OtlpSpan> decode(byte[] body) {
        JsonNode root;
        try {
            root = ContractJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "the body is not an OTLP ExportTraceServiceRequest: expected a JSON object"
                            + " with resourceSpans");
        }
        List<OtlpSpan> spans = new ArrayList<>();
        for (JsonNode rs : root.path("resourceSpans")) {
            Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
            JsonNode scopes = rs.has("scopeSpans") ? rs.get("scopeSpans") : rs.path("instrumentationLibrarySpans");
            for (JsonNode ss : scopes) {
                for (JsonNode s : ss.path("spans")) {
                    JsonNode status = s.path("status");
                    spans.add(new OtlpSpan(
                            resource,
                            id(s, "traceId"),
                            id(s, "spanId"),
                            id(s, "parentSpanId"),
                            s.path("name").asText(""),
                            nanos(s.path("startTimeUnixNano")),
                            nanos(s.path("endTimeUnixNano")),
                            attributes(s.path("attributes")),
                            isError(status.path("code")),
                            status.path("message").asText("")));
                }
            }
        }
        return spans;
    }

    public static byte[] response(long rejectedSpans, String errorMessage) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        if (rejectedSpans > 0 || !errorMessage.isEmpty()) {
            root.putObject("partialSuccess")
                    .put("rejectedSpans", Long.toString(rejectedSpans))
                    .put("errorMessage", errorMessage);
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code google.rpc.Status} in JSON, for 4xx and 5xx answers. */
    public static byte[] status(int code, String message) {
        return ContractJson.mapper()
                .createObjectNode()
                .put("code", code)
                .put("message", message)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Hex as OTLP/JSON writes ids; base64 (proto3's default JSON) is accepted too. */
    private static String id(JsonNode span, String field) {
        String text = span.path(field).asText("");
        if (text.isEmpty() || text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return text.toLowerCase(Locale.ROOT);
        }
        try {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is neither hex nor base64");
        }
    }

    private static long nanos(JsonNode n) {
        if (n.isNumber()) {
            return n.asLong();
        }
        try {
            return n.isMissingNode() || n.isNull() ? 0 : Long.parseLong(n.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a span time '" + n.asText() + "' is not Unix nanoseconds");
        }
    }

    private static boolean isError(JsonNode code) {
        return code.isNumber() ? code.asInt() == STATUS_CODE_ERROR : "STATUS_CODE_ERROR".equals(code.asText());
    }

    static Map<String, Object> attributes(JsonNode list) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (list instanceof ArrayNode array) {
            for (JsonNode kv : array) {
                Object value = value(kv.path("value"));
                if (value != null && kv.hasNonNull("key")) {
                    out.put(kv.get("key").asText(), value);
                }
            }
        }
        return out;
    }

    private static Object value(JsonNode v) {
        if (v.has("stringValue")) {
            return v.get("stringValue").asText();
        }
        if (v.has("boolValue")) {
            return v.get("boolValue").asBoolean();
        }
        if (v.has("intValue")) {
            JsonNode i = v.get("intValue");
            try {
                return i.isNumber() ? i.asLong() : Long.parseLong(i.asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an intValue '" + i.asText() + "' is not an integer");
            }
        }
        if (v.has("doubleValue")) {
            // The contract's mapper reads JSON decimals as BigDecimal: a cost keeps the digits it was sent with.
            JsonNode d = v.get("doubleValue");
            return d.isNumber() ? d.decimalValue() : new BigDecimal(d.asText());
        }
        if (v.has("arrayValue")) {
            List<Object> values = new ArrayList<>();
            for (JsonNode e : v.get("arrayValue").path("values")) {
                Object value = value(e);
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        }
        if (v.has("kvlistValue")) {
            return attributes(v.get("kvlistValue").path("values"));
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
