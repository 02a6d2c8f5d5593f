package dev.agentmeter.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Samples;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class UsageEventValidatorTest {

    private final UsageEventValidator validator = new UsageEventValidator(
            Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC), Duration.ofHours(24));

    private List<Violation> validate(UsageEvent e) {
        return validator.validate(e);
    }

    private static UsageEvent.Builder valid() {
        return Samples.contractEvent().toBuilder();
    }

    private static Usage usage(long in, long out, long cacheRead, long cacheWrite, long cacheWrite1h, long reasoning) {
        return new Usage(in, out, cacheRead, cacheWrite, cacheWrite1h, reasoning, false);
    }

    @Test
    void contractSampleIsValid() {
        assertThat(validate(Samples.contractEvent())).isEmpty();
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        UsageEvent e = UsageEvent.builder().schemaVersion(null).kind(null).build();

        assertThat(validate(e))
                .extracting(Violation::field, Violation::rule)
                .containsExactly(
                        Tuple.tuple("schemaVersion", "required"),
                        Tuple.tuple("eventId", "required"),
                        Tuple.tuple("timestamp", "required"),
                        Tuple.tuple("agent", "required"),
                        Tuple.tuple("kind", "required"));
    }

    @Test
    void llmEventNeedsModelAndUsage() {
        assertThat(validate(valid().model(null).usage(null).build()))
                .extracting(Violation::message)
                .containsExactly("model is required", "usage is required for kind llm (token counts of the call)");
    }

    @Test
    void apiEventNeedsNoModelButAnApiService() {
        UsageEvent api = valid().kind("api")
                .model(null)
                .usage(null)
                .api(new ApiCall("serpapi", "/search", 200, new BigDecimal("0.005")))
                .build();
        assertThat(validate(api)).isEmpty();
        assertThat(validate(api.toBuilder().api(null).build()))
                .extracting(Violation::message)
                .containsExactly("api is required for kind api ({service, endpoint, statusCode, costUsd})");
        assertThat(validate(
                        api.toBuilder().api(new ApiCall(null, null, 99, null)).build()))
                .extracting(Violation::message)
                .containsExactly("api.service is required", "api.statusCode 99 is not an HTTP status code (100-599)");
    }

    @Test
    void unknownKindIsRejected() {
        assertThat(validate(valid().kind("embedding").build()))
                .extracting(Violation::message)
                .containsExactly("kind 'embedding' is not one of: llm, api");
    }

    @Test
    void unsupportedSchemaVersionIsRejected() {
        assertThat(validate(valid().schemaVersion(2).build()))
                .extracting(Violation::message)
                .containsExactly("schemaVersion 2 is not supported; this processor reads schemaVersion 1");
    }

    @Test
    void cacheReadAboveInputIsRejectedWithTheContractSentence() {
        List<Violation> v =
                validate(valid().usage(usage(1000, 10, 1200, 0, 0, 0)).build());

        assertThat(v)
                .extracting(Violation::field, Violation::rule)
                .containsExactly(Tuple.tuple("usage.cacheReadTokens", "cacheWithinInput"));
        assertThat(v.get(0).message())
                .isEqualTo("usage.cacheReadTokens (1200) exceeds usage.inputTokens (1000); "
                        + "inputTokens must include cache reads and writes");
    }

    @Test
    void cacheReadPlusWriteAboveInputIsRejected() {
        assertThat(validate(valid().usage(usage(1000, 10, 600, 500, 0, 0)).build()))
                .extracting(Violation::message)
                .containsExactly(
                        "usage.cacheReadTokens + usage.cacheWriteTokens (1100) exceeds usage.inputTokens (1000); "
                                + "inputTokens must include cache reads and writes");
    }

    @Test
    void cacheEqualToInputIsAccepted() {
        assertThat(validate(valid().usage(usage(1000, 10, 600, 400, 400, 10)).build()))
                .isEmpty();
    }

    @Test
    void oneHourCacheWritesAboveCacheWritesAreRejected() {
        assertThat(validate(valid().usage(usage(1000, 10, 0, 100, 101, 0)).build()))
                .extracting(Violation::message)
                .containsExactly("usage.cacheWrite1hTokens (101) exceeds usage.cacheWriteTokens (100); "
                        + "one-hour writes are part of the cache writes");
    }

    @Test
    void reasoningAboveOutputIsRejected() {
        assertThat(validate(valid().usage(usage(1000, 10, 0, 0, 0, 11)).build()))
                .extracting(Violation::message)
                .containsExactly("usage.reasoningTokens (11) exceeds usage.outputTokens (10); "
                        + "outputTokens must include reasoning tokens");
    }

    @Test
    void negativeTokensAreRejected() {
        assertThat(validate(valid().usage(usage(-1, -5, 0, 0, 0, 0)).build()))
                .extracting(Violation::message)
                .containsExactly(
                        "usage.inputTokens is -1; token counts and durations cannot be negative",
                        "usage.outputTokens is -5; token counts and durations cannot be negative");
    }

    @Test
    void negativeProviderCostIsRejected() {
        assertThat(validate(valid().providerCostUsd(new BigDecimal("-0.01")).build()))
                .extracting(Violation::message)
                .containsExactly("providerCostUsd is -0.01; a cost cannot be negative");
    }

    @Test
    void lengthLimitsFollowTheContract() {
        String id129 = "e".repeat(129);
        assertThat(validate(
                        valid().eventId("e".repeat(128)).agent("a".repeat(200)).build()))
                .isEmpty();
        assertThat(validate(
                        valid().eventId(id129).agent("").userId("u".repeat(201)).build()))
                .extracting(Violation::message)
                .containsExactly(
                        "eventId has 129 characters; at most 128 are accepted",
                        "agent is empty; give 1 to 200 characters or leave it out",
                        "userId has 201 characters; at most 200 are accepted");
    }

    @Test
    void freeTextAndLabelsAreNeverAReasonToReject() {
        UsageEvent e = valid().task(new Task("t".repeat(300), null, "x".repeat(10_000)))
                .call(new Call("m".repeat(300), "f".repeat(5000), null, "s".repeat(300), "e".repeat(5000), null))
                .provider("p".repeat(300))
                .region("")
                .handoffChain(List.of("h".repeat(300), ""))
                .attributes(attributes(300, "v".repeat(2000)))
                .build();

        assertThat(validate(e)).isEmpty();
    }

    @Test
    void lengthsAreCountedInCodePoints() {
        String emoji200 = "🤖".repeat(200);

        assertThat(validate(valid().agent(emoji200).build())).isEmpty();
        assertThat(validate(valid().agent(emoji200 + "a").build()))
                .extracting(Violation::message)
                .containsExactly("agent has 201 characters; at most 200 are accepted");
    }

    @Test
    void anIdentifierHoldingANulCharacterIsRejectedWithItsFieldNamed() {
        assertThat(validate(valid().userId("ali\u0000ce").build()))
                .extracting(Violation::field, Violation::rule)
                .containsExactly(Tuple.tuple("userId", "storable"));
    }

    @Test
    void anIdentifierHoldingAnUnpairedSurrogateIsRejected() {
        assertThat(validate(valid().sessionId("s-\uD800").model("m\uDC00").build()))
                .extracting(Violation::field)
                .containsExactly("sessionId", "model");
    }

    @Test
    void farFutureTimestampIsRejectedButClockSkewWithinADayIsNot() {
        assertThat(validate(
                        valid().timestamp(Instant.parse("2026-11-23T11:59:59Z")).build()))
                .isEmpty();
        assertThat(validate(
                        valid().timestamp(Instant.parse("2099-01-01T00:00:00Z")).build()))
                .extracting(Violation::message)
                .containsExactly(
                        "timestamp 2099-01-01T00:00:00Z is more than 24h in the future; check the sender's clock");
    }

    @Test
    void negativeDurationAndPromptCharsAreRejected() {
        UsageEvent e = valid().call(new Call("generate", "stop", -1L, "success", null, -2L))
                .build();

        assertThat(validate(e)).extracting(Violation::field).containsExactly("call.durationMs", "call.promptChars");
    }

    private static Map<String, String> attributes(int n, String value) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(String.format("k%03d", i), value);
        }
        return out;
    }

    @Test
    void unicodeIsCountedInCharactersAndAccepted() {
        assertThat(validate(valid().agent("エージェント-🤖").userId("Zoë").build())).isEmpty();
    }
}
