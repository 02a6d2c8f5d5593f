package dev.agentmeter.model.validation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Samples;
import dev.agentmeter.model.json.ContractJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UsageEventParserTest {

    private final UsageEventParser parser = new UsageEventParser(new UsageEventValidator(
            Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC), Duration.ofHours(24)));

    private static byte[] sampleWith(String from, String to) {
        String json = ContractJson.toJson(Samples.contractEvent());
        String changed = json.replace(from, to);
        assertThat(changed).as("test setup replaced " + from).isNotEqualTo(json);
        return changed.getBytes(UTF_8);
    }

    @Test
    void validBytesGiveTheEvent() {
        UsageEventParser.Result r = parser.parse(ContractJson.toBytes(Samples.contractEvent()));

        assertThat(r.valid()).isTrue();
        assertThat(r.event()).isEqualTo(Samples.contractEvent());
        assertThat(r.plain()).as("the client's bytes may be forwarded verbatim").isTrue();
    }

    @Test
    void validEventWithAnUnknownFieldIsReadButNotPlain() {
        UsageEventParser.Result r =
                parser.parse(sampleWith("\"agent\":\"triage\"", "\"agent\":\"triage\",\"extra\":[1]"));

        assertThat(r.valid()).isTrue();
        assertThat(r.event()).isEqualTo(Samples.contractEvent());
        assertThat(r.plain())
                .as("forwarding these bytes would forward the unknown field")
                .isFalse();
    }

    @Test
    void aLongDescriptionIsCutNotRejectedAndTheBytesAreNoLongerPlain() {
        UsageEventParser.Result r = parser.parse(sampleWith("Implement settings screen", "d".repeat(10_000)));

        assertThat(r.valid()).isTrue();
        assertThat(r.event().task().description()).isEqualTo("d".repeat(4000));
        assertThat(r.event().truncated()).isTrue();
        assertThat(r.cut()).isTrue();
        assertThat(r.plain()).as("the bytes hold the uncut text").isFalse();
    }

    @Test
    void anEscapedNulInFreeTextIsReplacedAndTheEventKept() {
        UsageEventParser.Result r = parser.parse(sampleWith("Implement settings screen", "Implement\\u0000settings"));

        assertThat(r.valid()).isTrue();
        assertThat(r.event().task().description()).isEqualTo("Implement\uFFFDsettings");
        assertThat(r.replaced()).isEqualTo(1);
        assertThat(r.event().truncated()).isNull();
        assertThat(r.plain()).isFalse();
    }

    @Test
    void anEscapedNulInAnIdentifierIsRejectedNamingTheField() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"user-456\"", "\"user\\u0000456\""));

        assertThat(r.valid()).isFalse();
        assertThat(r.field()).isEqualTo("userId");
    }

    @Test
    void nonJsonIsRejected() {
        UsageEventParser.Result r = parser.parse("hello world".getBytes(UTF_8));

        assertThat(r.valid()).isFalse();
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("json");
        assertThat(r.reason()).startsWith("the record is not valid JSON: Unrecognized token 'hello'");
    }

    @Test
    void emptyValueIsRejected() {
        assertThat(parser.parse(new byte[0]).reason())
                .isEqualTo("the record value is empty; expected a UsageEvent JSON object");
        assertThat(parser.parse(null).field()).isEmpty();
    }

    @Test
    void jsonNullIsRejected() {
        assertThat(parser.parse("null".getBytes(UTF_8)).reason()).isEqualTo("the event is empty (JSON null)");
    }

    @Test
    void wrongTypeNamesTheField() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"inputTokens\":1000", "\"inputTokens\":\"lots\""));

        assertThat(r.field()).isEqualTo("usage.inputTokens");
        assertThat(r.reason()).isEqualTo("usage.inputTokens has the wrong type (expected a JSON integer)");
    }

    @Test
    void fractionalTokenCountIsRejected() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"outputTokens\":500", "\"outputTokens\":1.5"));

        assertThat(r.field()).isEqualTo("usage.outputTokens");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void badTimestampNamesTheField() {
        UsageEventParser.Result r = parser.parse(sampleWith("2026-11-22T10:15:30.123Z", "yesterday"));

        assertThat(r.field()).isEqualTo("timestamp");
        assertThat(r.reason())
                .isEqualTo("timestamp value 'yesterday' has the wrong type or format"
                        + " (expected an ISO-8601 UTC instant string such as \"2026-11-22T10:15:30.123Z\")");
    }

    @Test
    void objectWhereAStringBelongsIsRejected() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"agent\":\"triage\"", "\"agent\":{\"name\":\"x\"}"));

        assertThat(r.field()).isEqualTo("agent");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void ruleViolationsComeFromTheValidator() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"cacheReadTokens\":0", "\"cacheReadTokens\":1200"));

        assertThat(r.field()).isEqualTo("usage.cacheReadTokens");
        assertThat(r.reason())
                .isEqualTo("usage.cacheReadTokens (1200) exceeds usage.inputTokens (1000); "
                        + "inputTokens must include cache reads and writes");
    }

    @Test
    void missingFieldsAreReportedTogether() {
        UsageEventParser.Result r = parser.parse("{\"schemaVersion\":1,\"kind\":\"llm\"}".getBytes(UTF_8));

        assertThat(r.violations())
                .extracting(Violation::field)
                .containsExactly("eventId", "timestamp", "agent", "model", "usage");
        assertThat(r.reason())
                .isEqualTo("eventId is required; timestamp is required; agent is required; "
                        + "model is required; usage is required for kind llm (token counts of the call)");
    }

    @Test
    void aTokenCountGivenAsAStringIsAWrongTypeNotCoerced() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"inputTokens\":1000", "\"inputTokens\":\"1000\""));

        assertThat(r.valid()).isFalse();
        assertThat(r.field()).isEqualTo("usage.inputTokens");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void aFlagGivenAsAStringIsAWrongType() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"estimated\":false", "\"estimated\":\"false\""));

        assertThat(r.field()).isEqualTo("usage.estimated");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void aSchemaVersionGivenAsAStringIsAWrongType() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"schemaVersion\":1", "\"schemaVersion\":\"1\""));

        assertThat(r.field()).isEqualTo("schemaVersion");
    }

    @Test
    void aTimestampGivenAsANumberIsAWrongType() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"2026-11-22T10:15:30.123Z\"", "1795341600"));

        assertThat(r.field()).isEqualTo("timestamp");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void aTokenCountBeyondALongNamesTheField() {
        UsageEventParser.Result r =
                parser.parse(sampleWith("\"outputTokens\":500", "\"outputTokens\":99999999999999999999999"));

        assertThat(r.field()).isEqualTo("usage.outputTokens");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("type");
    }

    @Test
    void aTokenCountAboveTenToTheTwelveIsOutOfBounds() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"outputTokens\":500", "\"outputTokens\":1000000000001"));

        assertThat(r.field()).isEqualTo("usage.outputTokens");
        assertThat(r.reason()).isEqualTo("usage.outputTokens is 1000000000001; at most 1000000000000 is accepted");
    }

    @Test
    void aProviderCostWithAHugeExponentIsOutOfBoundsAndNeverWrittenOut() {
        UsageEventParser.Result r = parser.parse(
                sampleWith("\"agent\":\"triage\"", "\"agent\":\"triage\"," + "\"providerCostUsd\":\"1e10000\""));

        assertThat(r.field()).isEqualTo("providerCostUsd");
        assertThat(r.reason()).isEqualTo("providerCostUsd is 1E+10000; at most 1000000 is accepted");
    }

    @Test
    void aProviderCostWithATinyExponentIsOutOfBoundsByItsScale() {
        UsageEventParser.Result r = parser.parse(
                sampleWith("\"agent\":\"triage\"", "\"agent\":\"triage\"," + "\"providerCostUsd\":\"1e-999999999\""));

        assertThat(r.field()).isEqualTo("providerCostUsd");
        assertThat(r.reason())
                .isEqualTo("providerCostUsd is 1E-999999999; at most 18 digits after the decimal point are accepted");
    }

    @Test
    void aProviderCostAsAJsonNumberIsReadExactly() {
        UsageEventParser.Result r =
                parser.parse(sampleWith("\"agent\":\"triage\"", "\"agent\":\"triage\"," + "\"providerCostUsd\":1e-7"));

        assertThat(r.valid()).isTrue();
        assertThat(r.event().providerCostUsd().toPlainString()).isEqualTo("0.0000001");
    }

    @Test
    void anOverlongMoneyStringIsRefusedBeforeItIsParsed() {
        UsageEventParser.Result r = parser.parse(sampleWith(
                "\"agent\":\"triage\"", "\"agent\":\"triage\"," + "\"providerCostUsd\":\"" + "9".repeat(5000) + "\""));

        assertThat(r.field()).isEqualTo("providerCostUsd");
        assertThat(r.reason()).hasSizeLessThan(300);
    }

    @Test
    void aFieldGivenTwiceIsRejectedNamingIt() {
        UsageEventParser.Result r =
                parser.parse(sampleWith("\"inputTokens\":1000", "\"inputTokens\":1000,\"inputTokens\":1"));

        assertThat(r.field()).isEqualTo("usage.inputTokens");
        assertThat(r.reason()).isEqualTo("usage.inputTokens is given twice; give each field once");
    }

    @Test
    void deepNestingInAnUnknownFieldIsRejectedNotFatal() {
        UsageEventParser.Result r = parser.parse(sampleWith(
                "\"agent\":\"triage\"", "\"agent\":\"triage\",\"x\":" + "[".repeat(5000) + "]".repeat(5000)));

        assertThat(r.valid()).isFalse();
        assertThat(r.violations()).extracting(Violation::rule).containsExactly("json");
        assertThat(r.field()).startsWith("x[0][0]");
    }

    @Test
    void aTimestampBefore2000IsOutOfBounds() {
        UsageEventParser.Result r = parser.parse(sampleWith("2026-11-22T10:15:30.123Z", "1999-12-31T23:59:59Z"));

        assertThat(r.field()).isEqualTo("timestamp");
        assertThat(r.reason())
                .isEqualTo("timestamp 1999-12-31T23:59:59Z is before 2000-01-01T00:00:00Z; check the sender's clock");
    }

    @Test
    void aDurationOfMoreThan31DaysIsOutOfBounds() {
        UsageEventParser.Result r = parser.parse(sampleWith("\"durationMs\":2500", "\"durationMs\":2678400001"));

        assertThat(r.field()).isEqualTo("call.durationMs");
    }
}
