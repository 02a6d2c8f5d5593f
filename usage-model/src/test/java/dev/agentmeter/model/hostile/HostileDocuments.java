package dev.agentmeter.model.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * UsageEvent documents as a hostile sender writes them, for the property suites of every entrance
 * (validator, collector, topology, sink): one of the contract's fields given a wrong type, an
 * extreme number, an exponent, an overlong or odd string; deep nesting; a key given twice; a
 * required field left out. Each document names its hostile class and the field it aims at, so the
 * suites can count what each class did.
 *
 * <p>Generated from a seed ({@link #seed()}: the system property {@value #SEED_PROPERTY}, else
 * a fresh one that the suites print), so a failing case can be run again exactly. Valid documents
 * price exactly: {@code gpt-4o} at the bundled $2.50 / $10 per million tokens ({@link #gpt4oCost}).
 */
public final class HostileDocuments {

    public static final String SEED_PROPERTY = "hostile.seed";

    /** One generated document: its hostile class ({@code valid} for none), the field it aims at, the JSON. */
    public record Document(String hostileClass, String field, String json) {
        public boolean meantValid() {
            return hostileClass.equals(VALID);
        }

        public byte[] bytes() {
            return json.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return hostileClass + " " + field + ": " + (json.length() > 300 ? json.substring(0, 300) + "…" : json);
        }
    }

    public static final String VALID = "valid";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    private static final List<String> COUNT_FIELDS = List.of(
            "usage.inputTokens",
            "usage.outputTokens",
            "usage.cacheReadTokens",
            "usage.cacheWriteTokens",
            "usage.cacheWrite1hTokens",
            "usage.reasoningTokens",
            "call.durationMs",
            "call.promptChars",
            "schemaVersion");
    private static final List<String> ID_FIELDS = List.of("eventId", "agent", "userId", "sessionId", "teamId", "model");
    private static final List<String> TEXT_FIELDS = List.of(
            "task.description",
            "call.errorMessage",
            "call.finishReason",
            "attributes.note",
            "provider",
            "region",
            "task.type");
    private static final List<String> ALL_FIELDS = List.of(
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
            "task",
            "call",
            "attributes",
            "usage.inputTokens",
            "usage.outputTokens",
            "usage.estimated",
            "call.durationMs",
            "call.promptChars");
    private static final List<Function<Void, JsonNode>> WRONG_TYPES = List.of(
            v -> NODES.textNode("1000"),
            v -> NODES.textNode("true"),
            v -> NODES.numberNode(10.5),
            v -> NODES.numberNode(1.0),
            v -> NODES.booleanNode(true),
            v -> NODES.objectNode().put("n", 1),
            v -> NODES.arrayNode().add(1),
            v -> NODES.nullNode(),
            v -> NODES.numberNode(1700000000),
            v -> NODES.textNode(""));
    private static final List<JsonNode> EXTREME_COUNTS = List.of(
            NODES.numberNode(-1L),
            NODES.numberNode(1_000_000_000_001L),
            NODES.numberNode(Long.MAX_VALUE),
            NODES.numberNode(Long.MIN_VALUE),
            NODES.numberNode(new BigInteger("18446744073709551616")),
            NODES.numberNode(new BigInteger("99999999999999999999999999999")),
            NODES.numberNode(2_678_400_001L),
            NODES.numberNode(Integer.MAX_VALUE + 1L));
    private static final List<JsonNode> EXTREME_MONEY = List.of(
            NODES.textNode("-0.01"),
            NODES.textNode("1000000.01"),
            NODES.textNode("99999999999999999999"),
            NODES.textNode("0.0000000000000000001"),
            NODES.numberNode(new BigDecimal("1000001")),
            NODES.textNode("NaN"),
            NODES.textNode("Infinity"),
            NODES.textNode("9".repeat(5000)));
    private static final List<String> EXPONENTS = List.of(
            "1e10000",
            "1e-30",
            "1e-999999999",
            "1E+2147483648",
            "1e308",
            "1e3",
            "-1e-7",
            "1e-7",
            "2.5E-1",
            "1e999999999999");
    private static final List<String> ODD_STRINGS = List.of(
            "\u0000",
            "a\u0000b",
            "\ud800",
            "x\udc00y",
            "\u202eevil",
            "\u0007\u001b[31m",
            "😀😀",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE agent_usage; --",
            "\r\n",
            " ",
            "user:alice|DAY",
            "a|b");
    private static final List<Integer> LENGTHS = List.of(129, 201, 4001, 100_000, 1_000_000);
    private static final List<Integer> DEPTHS = List.of(50, 999, 1001, 5000, 100_000);

    private final SplittableRandom random;
    private long counter;

    public HostileDocuments(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The seed of this run: {@value #SEED_PROPERTY} when set, else a new one. */
    public static long seed() {
        String given = System.getProperty(SEED_PROPERTY);
        return given != null ? Long.parseLong(given) : new SplittableRandom().nextLong();
    }

    /** A valid llm event priced at gpt-4o's bundled price. */
    public static ObjectNode valid(String eventId, long input, long output) {
        ObjectNode e = NODES.objectNode();
        e.put("schemaVersion", 1);
        e.put("eventId", eventId);
        e.put("timestamp", T0.toString());
        e.put("kind", "llm");
        e.put("agent", "triage");
        e.put("userId", "alice");
        e.put("sessionId", "s-" + eventId);
        e.put("teamId", "support");
        e.putArray("handoffChain").add("router");
        e.put("provider", "openai");
        e.put("model", "gpt-4o");
        e.put("region", "eu-west-1");
        ObjectNode usage = e.putObject("usage");
        usage.put("inputTokens", input);
        usage.put("outputTokens", output);
        usage.put("cacheReadTokens", 0);
        usage.put("cacheWriteTokens", 0);
        usage.put("cacheWrite1hTokens", 0);
        usage.put("reasoningTokens", 0);
        usage.put("estimated", false);
        ObjectNode task = e.putObject("task");
        task.put("type", "bug_fix");
        task.put("description", "fix the login page");
        ObjectNode call = e.putObject("call");
        call.put("method", "generate");
        call.put("finishReason", "stop");
        call.put("durationMs", 1200);
        call.put("status", "success");
        call.put("promptChars", 400);
        e.putObject("attributes").put("tier", "pro");
        return e;
    }

    /** What {@link #valid} costs at gpt-4o's bundled price: $2.50 in, $10 out per million tokens. */
    public static BigDecimal gpt4oCost(long input, long output) {
        BigDecimal cost = new BigDecimal("2.5")
                .multiply(BigDecimal.valueOf(input))
                .add(BigDecimal.TEN.multiply(BigDecimal.valueOf(output)))
                .movePointLeft(6);
        return cost.signum() == 0 ? BigDecimal.ZERO : cost.stripTrailingZeros();
    }

    /** A valid event with a new id and token counts up to a million. */
    public ObjectNode validEvent() {
        return valid(
                "v-" + Long.toHexString(random.nextLong()) + "-" + counter++,
                random.nextLong(1_000_001),
                random.nextLong(1_000_001));
    }

    /** The next document: a tenth valid, the rest spread over the hostile classes. */
    public Document next() {
        int pick = random.nextInt(11);
        return switch (pick) {
            case 0 -> new Document(VALID, "", validEvent().toString());
            case 1, 2 -> wrongType();
            case 3, 4 -> extremeNumber();
            case 5 -> exponent();
            case 6 -> overlongString();
            case 7 -> oddString();
            case 8 -> deepNesting();
            case 9 -> duplicateKey();
            default -> missingField();
        };
    }

    /** {@code n} documents. */
    public List<Document> next(int n) {
        List<Document> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    private ObjectNode base() {
        return valid("h-" + Long.toHexString(random.nextLong()) + "-" + counter++, 1000, 100);
    }

    private <T> T any(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    Document wrongType() {
        String field = any(ALL_FIELDS);
        return doc("wrongType", field, set(base(), field, any(WRONG_TYPES).apply(null)));
    }

    Document extremeNumber() {
        if (random.nextBoolean()) {
            String field = any(COUNT_FIELDS);
            return doc("extremeNumber", field, set(base(), field, any(EXTREME_COUNTS)));
        }
        return doc("extremeNumber", "providerCostUsd", set(base(), "providerCostUsd", any(EXTREME_MONEY)));
    }

    Document exponent() {
        String field = any(List.of("providerCostUsd", "usage.inputTokens", "call.durationMs", "api.costUsd"));
        String value = any(EXPONENTS);
        boolean quoted = random.nextBoolean();
        // Written as text: Jackson's own nodes cannot hold every exponent as given.
        String json = set(base(), field, NODES.textNode("__exponent__")).toString();
        return new Document("exponent", field, json.replace("\"__exponent__\"", quoted ? "\"" + value + "\"" : value));
    }

    Document overlongString() {
        String field = any(concat(ID_FIELDS, TEXT_FIELDS));
        return doc("overlongString", field, set(base(), field, NODES.textNode("x".repeat(any(LENGTHS)))));
    }

    Document oddString() {
        String field = any(concat(ID_FIELDS, TEXT_FIELDS));
        return doc("oddString", field, set(base(), field, NODES.textNode(any(ODD_STRINGS))));
    }

    Document deepNesting() {
        String field = any(List.of("x", "attributes.deep", "usage.extra", "task"));
        int n = any(DEPTHS);
        String json = set(base(), field, NODES.textNode("__nested__")).toString();
        return new Document("deepNesting", field, json.replace("\"__nested__\"", "[".repeat(n) + "]".repeat(n)));
    }

    Document duplicateKey() {
        ObjectNode e = base();
        e.put("providerCostUsd", "0.01");
        String json = e.toString();
        String key =
                any(List.of("\"usage\":{", "\"eventId\":", "\"inputTokens\":", "\"providerCostUsd\":", "\"agent\":"));
        int at = json.indexOf(key);
        String first = switch (key) {
            case "\"usage\":{" -> "\"usage\":{\"inputTokens\":1,\"outputTokens\":1},";
            case "\"inputTokens\":" -> "\"inputTokens\":5,";
            case "\"eventId\":" -> "\"eventId\":\"other\",";
            case "\"providerCostUsd\":" -> "\"providerCostUsd\":\"999\",";
            default -> "\"agent\":\"someone-else\",";
        };
        return new Document(
                "duplicateKey", key.replaceAll("[\":{]", ""), json.substring(0, at) + first + json.substring(at));
    }

    Document missingField() {
        String field = any(List.of("schemaVersion", "eventId", "timestamp", "kind", "agent", "model", "usage"));
        ObjectNode e = base();
        e.remove(field);
        return new Document("missingField", field, e.toString());
    }

    private static Document doc(String hostileClass, String field, ObjectNode e) {
        return new Document(hostileClass, field, e.toString());
    }

    /** A copy of {@code e} with the dotted {@code field} set to {@code value} (objects on the way created). */
    static ObjectNode set(ObjectNode e, String field, JsonNode value) {
        ObjectNode copy = e.deepCopy();
        String[] path = field.split("\\.", -1);
        ObjectNode at = copy;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = at.get(path[i]);
            at = next instanceof ObjectNode o ? o : at.putObject(path[i]);
        }
        at.set(path[path.length - 1], value);
        if (field.startsWith("api.")) {
            copy.put("kind", "api");
            ((ObjectNode) copy.get("api")).put("service", "search");
        }
        return copy;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
