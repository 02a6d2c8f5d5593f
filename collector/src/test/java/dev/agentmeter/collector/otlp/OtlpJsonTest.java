package dev.agentmeter.collector.otlp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

    /** As an OTLP/JSON exporter writes it: hex ids, int64 as strings, enums as integers. */
    private static final String EXPORT = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bot"}}]},
              "scopeSpans":[{"scope":{"name":"openlit"},"spans":[
                {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",
                 "name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1764669600000000000","endTimeUnixNano":1764669601500000000,
                 "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"1200"}},
                               {"key":"gen_ai.usage.output_tokens","value":{"intValue":80}},
                               {"key":"gen_ai.usage.cost","value":{"doubleValue":0.0038}},
                               {"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"stop"}]}}}],
                 "status":{"code":2,"message":"boom"}}]}]}]}
            """;

    @Test
    void anExportIsReadWithHexIdsStringIntegersAndEnumsAsIntegers() {
        List<OtlpSpan> spans = OtlpJson.decode(EXPORT.getBytes(UTF_8));

        assertThat(spans).hasSize(1);
        OtlpSpan s = spans.get(0);
        assertThat(s.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(s.spanId()).isEqualTo("eee19b7ec3c1b174");
        assertThat(s.parentSpanId()).isEmpty();
        assertThat(s.startNanos()).isEqualTo(1764669600000000000L);
        assertThat(s.endNanos()).isEqualTo(1764669601500000000L);
        assertThat(s.attributes())
                .containsEntry("gen_ai.usage.input_tokens", 1200L)
                .containsEntry("gen_ai.usage.output_tokens", 80L)
                .containsEntry("gen_ai.usage.cost", new BigDecimal("0.0038"))
                .containsEntry("gen_ai.response.finish_reasons", List.of("stop"));
        assertThat(s.resource()).containsEntry("service.name", "bot");
        assertThat(s.error()).isTrue();
        assertThat(s.statusMessage()).isEqualTo("boom");
    }

    @Test
    void somethingThatIsNotJsonIsRefusedWithASentence() {
        assertThatThrownBy(() -> OtlpJson.decode("resourceSpans=1".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the body is not JSON: ");
    }

    @Test
    void aPartialSuccessNamesTheRejectedSpans() {
        assertThat(new String(OtlpJson.response(2, "span a:b: model is required"), UTF_8))
                .isEqualTo(
                        "{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"span a:b: model is required\"}}");
        assertThat(new String(OtlpJson.response(0, ""), UTF_8)).isEqualTo("{}");
    }
}
