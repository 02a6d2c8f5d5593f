package dev.agentmeter.model.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Samples;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain reader must read exactly what data binding reads wherever it reads anything, and give
 * up (null) on every input that is not the plain shape, so that data binding decides as before.
 */
class PlainUsageEventReaderTest {

    private static UsageEvent bound(String json) throws IOException {
        return ContractJson.mapper().readerFor(UsageEvent.class).readValue(json.getBytes(UTF_8));
    }

    private static UsageEvent plain(String json) {
        return PlainUsageEventReader.read(json.getBytes(UTF_8));
    }

    private static String sampleWith(String from, String to) {
        String json = ContractJson.toJson(Samples.contractEvent());
        String changed = json.replace(from, to);
        assertThat(changed).as("test setup replaced " + from).isNotEqualTo(json);
        return changed;
    }

    @Test
    void readsWhatTheClientWrites() {
        assertThat(plain(ContractJson.toJson(Samples.contractEvent()))).isEqualTo(Samples.contractEvent());
    }

    @Test
    void readsTheContractExampleWithItsNullsAndWhitespace() {
        assertThat(plain(Samples.CONTRACT_EVENT_JSON)).isEqualTo(Samples.contractEvent());
    }

    @Test
    void readsAnApiEventWithItsMoneyExactly() {
        UsageEvent api = UsageEvent.builder()
                .eventId("a-1")
                .timestamp(Instant.parse("2026-11-22T10:00:00Z"))
                .kind(UsageEvent.KIND_API)
                .agent("research")
                .providerCostUsd(new BigDecimal("-0.000100"))
                .api(new ApiCall("search", "/v1/web", 200, new BigDecimal("0.00500")))
                .build();

        UsageEvent read = plain(ContractJson.toJson(api));

        assertThat(read).isEqualTo(api);
        assertThat(read.api().costUsd().toPlainString()).isEqualTo("0.00500");
        assertThat(read.providerCostUsd().scale()).isEqualTo(6);
    }

    @Test
    void readsEscapesAndUnicodeInStrings() throws IOException {
        String json = sampleWith("\"agent\":\"triage\"", "\"agent\":\"tri\\u0061ge \\\"β\\\" \\n\"");

        assertThat(plain(json).agent()).isEqualTo("triage \"β\" \n");
        assertThat(plain(json)).isEqualTo(bound(json));
    }

    @Test
    void readsEmptyObjectsAndArraysAsDataBindingDoes() throws IOException {
        String json = "{\"schemaVersion\":1,\"eventId\":\"e\",\"timestamp\":\"2026-11-22T10:15:30Z\",\"agent\":\"a\","
                + "\"usage\":{},\"handoffChain\":[],\"attributes\":{},\"task\":{},\"call\":{},\"api\":{}}";

        UsageEvent read = plain(json);

        assertThat(read).isEqualTo(bound(json));
        assertThat(read.usage()).isEqualTo(new Usage(0, 0, 0, 0, 0, 0, false));
        assertThat(read.handoffChain()).isEmpty();
        assertThat(read.task()).isEqualTo(new Task(null, null, null));
        assertThat(read.call()).isEqualTo(new Call(null, null, null, null, null, null));
        assertThat(read.kind())
                .as("absent, not defaulted: the validator reports it")
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "\"agent\":\"triage\"|\"agent\":\"triage\",\"extra\":1", // unknown field (data binding ignores it)
                "\"inputTokens\":1000|\"inputTokens\":1000,\"futureTokens\":5", // unknown nested field
                "\"agent\":\"triage\"|\"agent\":\"triage\",\"agent\":\"other\"", // a field twice
                "\"inputTokens\":1000|\"inputTokens\":\"1000\"", // a count as a string
                "\"inputTokens\":1000|\"inputTokens\":1000.0", // a count as a decimal
                "\"inputTokens\":1000|\"inputTokens\":null", // null where a count is required
                "\"inputTokens\":1000|\"inputTokens\":99999999999999999999", // a count beyond a long
                "\"schemaVersion\":1|\"schemaVersion\":3000000000", // beyond an int
                "\"estimated\":false|\"estimated\":0", // a flag as a number
                "\"agent\":\"triage\"|\"agent\":5", // text as a number
                "\"timestamp\":\"2026-11-22T10:15:30.123Z\"|\"timestamp\":\"2026-11-22T11:15:30.123+01:00\"",
                "\"timestamp\":\"2026-11-22T10:15:30.123Z\"|\"timestamp\":1795342530123",
                "\"handoffChain\":[\"router\"]|\"handoffChain\":[\"router\",null]",
                "\"handoffChain\":[\"router\"]|\"handoffChain\":\"router\"",
                "\"tier\":\"pro\"|\"tier\":1", // an attribute value that is not text
                "\"tier\":\"pro\"|\"tier\":\"pro\",\"tier\":\"max\"", // an attribute twice
                "\"durationMs\":2500|\"durationMs\":2.5e3",
            })
    void givesUpOnAnythingNotPlain(String change) {
        String[] fromTo = change.split("\\|", -1);

        assertThat(plain(sampleWith(fromTo[0], fromTo[1]))).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "0.01",
                "\"1e-3\"",
                "\" 0.01\"",
                "\"0.\"",
                "\".5\"",
                "\"+1\"",
                "\"1.2.3\"",
                "\"\"",
                "\"NaN\"",
                "\"0x10\""
            })
    void givesUpOnMoneyThatIsNotAPlainDecimalString(String money) {
        assertThat(plain(sampleWith(
                        "\"region\":\"eu-west-1\"", "\"region\":\"eu-west-1\",\"providerCostUsd\":" + money)))
                .isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "",
                "hello",
                "null",
                "[]",
                "[{}]",
                "{\"eventId\":\"e\"} {}",
                "{\"eventId\":\"e\"}x",
                "{\"eventId\":\"e\"",
                "\"text\""
            })
    void givesUpOnWhatIsNotOneObject(String json) {
        assertThat(plain(json)).isNull();
    }

    @Test
    void trailingWhitespaceIsStillPlain() {
        assertThat(plain(ContractJson.toJson(Samples.contractEvent()) + " \n\t"))
                .isEqualTo(Samples.contractEvent());
    }

    /**
     * Random events with random optional parts, written by the contract's writer, then with their
     * fields shuffled and explicit nulls added: every one must read plain and equal data binding.
     */
    @Test
    void agreesWithDataBindingOnRandomEvents() throws IOException {
        Random random = new Random(42);
        int read = 0;
        for (int i = 0; i < 2_000; i++) {
            UsageEvent event = randomEvent(random, i);
            ObjectNode tree = (ObjectNode) ContractJson.mapper().readTree(ContractJson.toJson(event));
            for (String optional : List.of("teamId", "providerCostUsd", "task", "api")) {
                if (!tree.has(optional) && random.nextBoolean()) {
                    tree.putNull(optional); // the same as absent
                }
            }
            String json = shuffled(tree, random).toString();

            UsageEvent plain = plain(json);
            assertThat(plain).as(json).isEqualTo(bound(json)).isEqualTo(event);
            read++;
        }
        assertThat(read).isEqualTo(2_000);
    }

    private static UsageEvent randomEvent(Random r, int i) {
        UsageEvent.Builder b = UsageEvent.builder()
                .eventId("e-" + i)
                .timestamp(Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextInt(1_000_000_000)))
                .agent("agent-" + r.nextInt(50));
        if (r.nextBoolean()) {
            b.userId("user-" + r.nextInt(1000)).sessionId("s-" + r.nextInt(1000));
        }
        if (r.nextBoolean()) {
            b.teamId("team-" + r.nextInt(10)).handoffChain(List.of("router", "agent-" + r.nextInt(5)));
        }
        if (r.nextInt(4) == 0) {
            b.kind(UsageEvent.KIND_API)
                    .api(new ApiCall(
                            "svc",
                            "/x",
                            r.nextBoolean() ? 200 : null,
                            r.nextBoolean() ? BigDecimal.valueOf(r.nextInt(100_000), r.nextInt(9)) : null));
        } else {
            long input = r.nextInt(2_000_000);
            long output = Math.abs(r.nextLong() % 10_000_000_000L);
            b.model(r.nextBoolean() ? "gpt-4o" : "claude-sonnet-4-5")
                    .provider(r.nextBoolean() ? "openai" : null)
                    .usage(new Usage(input, output, input / 3, input / 4, input / 8, output / 2, r.nextBoolean()));
        }
        if (r.nextBoolean()) {
            b.providerCostUsd(BigDecimal.valueOf(r.nextLong() % 1_000_000_000L, r.nextInt(12)));
        }
        if (r.nextBoolean()) {
            b.task(new Task("t", r.nextBoolean() ? "standard" : null, "d " + i))
                    .call(new Call(
                            "generate",
                            "stop",
                            r.nextBoolean() ? (long) r.nextInt(100_000) : null,
                            r.nextBoolean() ? "success" : "error",
                            r.nextBoolean() ? "boom" : null,
                            250L));
        }
        if (r.nextBoolean()) {
            b.attributes(Map.of("tier", "pro", "region", "eu-" + r.nextInt(3)));
        }
        return b.build();
    }

    private static JsonNode shuffled(ObjectNode tree, Random random) {
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        Collections.shuffle(names, random);
        ObjectNode out = ContractJson.mapper().createObjectNode();
        for (String name : names) {
            out.set(name, tree.get(name));
        }
        return out;
    }
}
