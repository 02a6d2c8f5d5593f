package dev.agentmeter.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenAiSpansTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final long T0 = Instant.parse("2026-12-02T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final Map<String, Object> RESOURCE =
            Map.of("service.name", "support-bot", "cloud.region", "eu-west-1");

    private static OtlpSpan span(String id, String parent, Map<String, Object> attributes) {
        return new OtlpSpan(RESOURCE, TRACE, id, parent, "span " + id, T0, T0 + 2_500_000_000L, attributes, false, "");
    }

    private static Map<String, Object> inference(long in, long out) {
        Map<String, Object> a = new HashMap<>();
        a.put("gen_ai.operation.name", "chat");
        a.put("gen_ai.provider.name", "anthropic");
        a.put("gen_ai.request.model", "claude-sonnet-4-5");
        a.put("gen_ai.usage.input_tokens", in);
        a.put("gen_ai.usage.output_tokens", out);
        return a;
    }

    private static Map<String, Object> agent(String name) {
        return Map.of("gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", name);
    }

    @Test
    void anInferenceSpanBecomesAnEventIdentifiedByTraceAndSpan() {
        UsageEvent e = GenAiSpans.toEvents(List.of(span("b7ad6b7169203331", "", inference(1000, 500))))
                .events()
                .get(0);

        assertThat(e.eventId()).isEqualTo(TRACE + ":b7ad6b7169203331");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
        assertThat(e.agent()).as("no agent anywhere: the service").isEqualTo("support-bot");
        assertThat(e.provider()).isEqualTo("anthropic");
        assertThat(e.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(e.region()).isEqualTo("eu-west-1");
        assertThat(e.usage()).isEqualTo(Usage.of(1000, 500));
        assertThat(e.call().durationMs()).isEqualTo(2500L);
        assertThat(e.call().status()).isEqualTo("success");
        assertThat(e.call().method()).isEqualTo("chat");
    }

    @Test
    void agentAndHandoffChainComeFromTheAgentSpansAboveAndAgentSpansAreNotCounted() {
        Map<String, Object> withUsage = new HashMap<>(agent("TechnicalSupport"));
        withUsage.put("gen_ai.usage.input_tokens", 9999L); // an agent span that sums its children: not counted again
        GenAiSpans.Result r = GenAiSpans.toEvents(List.of(
                span("0000000000000001", "", agent("Triage")),
                span("0000000000000002", "0000000000000001", withUsage),
                span("0000000000000003", "0000000000000002", inference(100, 10)),
                span("0000000000000004", "0000000000000002", inference(200, 20))));

        assertThat(r.events()).extracting(UsageEvent::agent).containsExactly("TechnicalSupport", "TechnicalSupport");
        assertThat(r.events()).extracting(UsageEvent::handoffChain).containsOnly(List.of("Triage"));
        assertThat(r.ignored()).isEqualTo(2);
    }

    @Test
    void cacheAndReasoningTokensKeepTheInclusiveSemantics() {
        Map<String, Object> a = inference(1000, 500);
        a.put("gen_ai.usage.cache_read.input_tokens", 300L);
        a.put("gen_ai.usage.cache_write.input_tokens", 100L);
        a.put("gen_ai.usage.reasoning.output_tokens", 200L);

        Usage u = GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                .events()
                .get(0)
                .usage();

        assertThat(u).isEqualTo(new Usage(1000, 500, 300, 100, 0, 200, false));
    }

    @Test
    void theOlderCacheCreationNameCountsAsCacheWrites() {
        Map<String, Object> a = inference(1000, 500);
        a.put("gen_ai.usage.cache_creation.input_tokens", 250L);

        assertThat(GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                        .events()
                        .get(0)
                        .usage()
                        .cacheWriteTokens())
                .isEqualTo(250);
    }

    @Test
    void cacheCountsBeyondTheInputAreAnthropicsExclusiveOnesAndAreAdded() {
        Map<String, Object> a = inference(50, 500);
        a.put("gen_ai.usage.cache_read.input_tokens", 3000L);

        assertThat(GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                        .events()
                        .get(0)
                        .usage())
                .isEqualTo(new Usage(3050, 500, 3000, 0, 0, 0, false));
    }

    @Test
    void deprecatedNamesAreRead() {
        Map<String, Object> a = new HashMap<>();
        a.put("gen_ai.system", "openai");
        a.put("gen_ai.response.model", "gpt-4o-2024-08-06");
        a.put("gen_ai.request.model", "gpt-4o");
        a.put("gen_ai.usage.prompt_tokens", 70L);
        a.put("gen_ai.usage.completion_tokens", 7L);

        UsageEvent e = GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                .events()
                .get(0);

        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e.model()).as("the response's model first").isEqualTo("gpt-4o-2024-08-06");
        assertThat(e.usage()).isEqualTo(Usage.of(70, 7));
    }

    @Test
    void aProviderReportedCostIsReadByItsShortestDecimal() {
        Map<String, Object> a = inference(10, 10);
        a.put("gen_ai.usage.cost", 0.000123);

        assertThat(GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                        .events()
                        .get(0)
                        .providerCostUsd())
                .isEqualTo(new BigDecimal("0.000123"));
    }

    @Test
    void userAndSessionComeFromTheSpanItsAncestorsOrTheResource() {
        Map<String, Object> root = new HashMap<>(agent("Triage"));
        root.put("gen_ai.conversation.id", "conv-7");
        Map<String, Object> a = inference(1, 1);
        a.put("user.id", "alice");

        UsageEvent e = GenAiSpans.toEvents(
                        List.of(span("0000000000000001", "", root), span("0000000000000002", "0000000000000001", a)))
                .events()
                .get(0);

        assertThat(e.userId()).isEqualTo("alice");
        assertThat(e.sessionId()).isEqualTo("conv-7");
    }

    @Test
    void anErrorStatusIsAnErrorCallWithItsMessage() {
        OtlpSpan failed = new OtlpSpan(
                RESOURCE, TRACE, "0000000000000001", "", "chat", T0, T0, inference(10, 0), true, "rate limited");

        UsageEvent e = GenAiSpans.toEvents(List.of(failed)).events().get(0);

        assertThat(e.call().status()).isEqualTo("error");
        assertThat(e.call().errorMessage()).isEqualTo("rate limited");
    }

    @Test
    void aSpanWithoutTokensIsNotAnInferenceSpan() {
        GenAiSpans.Result r = GenAiSpans.toEvents(List.of(span("0000000000000001", "", Map.of("http.method", "GET"))));

        assertThat(r.events()).isEmpty();
        assertThat(r.ignored()).isEqualTo(1);
    }

    @Test
    void fractionalTokensAreAProblemNamingTheSpan() {
        Map<String, Object> a = inference(10, 10);
        a.put("gen_ai.usage.input_tokens", 1.5);

        GenAiSpans.Result r = GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)));

        assertThat(r.problems())
                .containsExactly("span " + TRACE + ":0000000000000001: gen_ai.usage.input_tokens is 1.5,"
                        + " not a whole number of tokens");
    }

    @Test
    void theServiceTierIsTheResponsesOpenAiAttributeBeforeAPlainOne() {
        Map<String, Object> a = new HashMap<>(inference(100, 10));
        a.put("gen_ai.request.service_tier", "auto");
        a.put("openai.response.service_tier", "Flex");

        assertThat(GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                        .events()
                        .get(0)
                        .serviceTier())
                .isEqualTo("Flex"); // normalised on receipt, with the rest of the event (FreeText.cut)
    }

    @Test
    void aRequestedTierIsTheLastResort() {
        Map<String, Object> a = new HashMap<>(inference(100, 10));
        a.put("gen_ai.request.service_tier", "priority");

        assertThat(GenAiSpans.toEvents(List.of(span("0000000000000001", "", a)))
                        .events()
                        .get(0)
                        .serviceTier())
                .isEqualTo("priority");
    }

    @Test
    void aSpanThatIsItsOwnParentOrACycleEndsTheWalk() {
        List<OtlpSpan> spans = List.of(
                span("0000000000000001", "0000000000000002", agent("A")),
                span("0000000000000002", "0000000000000001", inference(10, 1)),
                span("0000000000000003", "0000000000000003", inference(20, 2)));

        GenAiSpans.Result r = GenAiSpans.toEvents(spans);

        assertThat(r.events()).extracting(UsageEvent::agent).containsExactly("A", "support-bot");
    }
}
