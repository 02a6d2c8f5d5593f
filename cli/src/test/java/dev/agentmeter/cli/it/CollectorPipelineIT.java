package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.collector.otlp.ExampleGenAiSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Agents outside the JVM, end to end: a real OpenTelemetry SDK exporting GenAI spans, and a JSON
 * batch, through the collector, the processor and the Connect sink into PostgreSQL.
 */
class CollectorPipelineIT {

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("collector_it");

    /** Passes spans to the OTLP exporter and keeps them, so that the test can export them once more. */
    private static final class Recording implements SpanExporter {
        final SpanExporter otlp;
        final List<SpanData> seen = new ArrayList<>();

        Recording(SpanExporter otlp) {
            this.otlp = otlp;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            seen.addAll(spans);
            return otlp.export(spans);
        }

        @Override
        public CompletableResultCode flush() {
            return otlp.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess(); // the test exports again after the provider is shut
        }
    }

    @Test
    void anAgentSpanWithTwoInferenceChildrenLandsAsTwoExactRowsAndARetryChangesNothing() throws Exception {
        Instant sent = Instant.now(); // the spend asked for is the DAY holding the spans
        Recording exporter = new Recording(OtlpHttpSpanExporter.builder()
                .setEndpoint(pipeline.collectorUrl() + "/v1/traces")
                .build());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "support-bot"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        Tracer tracer = provider.get("agentmeter-it");
        Span router = tracer.spanBuilder("invoke_agent Triage")
                .setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("gen_ai.agent.name", "Triage")
                .setAttribute("session.id", "otel-session")
                .startSpan();
        String trace = router.getSpanContext().getTraceId();
        String cachedId;
        String reasoningId;
        try (Scope r = router.makeCurrent()) {
            Span agent = tracer.spanBuilder("invoke_agent TechnicalSupport")
                    .setAttribute("gen_ai.operation.name", "invoke_agent")
                    .setAttribute("gen_ai.agent.name", "TechnicalSupport")
                    .startSpan();
            try (Scope a = agent.makeCurrent()) {
                Span cached =
                        ExampleGenAiSpans.cachedSonnetChat(tracer, "otel-user").startSpan();
                cachedId = cached.getSpanContext().getSpanId();
                cached.end();
                Span reasoning = ExampleGenAiSpans.reasoningO4MiniChat(tracer, "otel-user")
                        .startSpan();
                reasoningId = reasoning.getSpanContext().getSpanId();
                reasoning.end();
            }
            agent.end();
        }
        router.end();
        assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        // Sonnet: 300 uncached × $3 + 1,500 cache reads × $0.30 + 200 cache writes × $3.75 + 300 out × $15 per M.
        assertThat(pipeline.awaitValue(
                        "SELECT agent || ' ' || array_to_string(handoff_chain, ',') || ' ' || session_id || ' '"
                                + " || user_id || ' ' || total_cost_usd || ' ' || cost_source || ' ' || cache_read_tokens || ' '"
                                + " || cache_write_tokens FROM agent_usage WHERE event_id = '" + trace + ":" + cachedId
                                + "'",
                        "TechnicalSupport Triage otel-session otel-user 0.0066 catalog 1500 200"))
                .isEqualTo("TechnicalSupport Triage otel-session otel-user 0.0066 catalog 1500 200");
        // o4-mini: the provider's cost is billed; the catalog's is kept: 800 in × $1.10 + 900 out × $4.40 per M.
        assertThat(pipeline.awaitValue(
                        "SELECT total_cost_usd || ' ' || catalog_cost_usd || ' ' || cost_source || ' '"
                                + " || reasoning_tokens || ' ' || output_tokens FROM agent_usage WHERE event_id = '"
                                + trace
                                + ":"
                                + reasoningId + "'",
                        "0.0049 0.00484 provider 700 900"))
                .isEqualTo("0.0049 0.00484 provider 700 900");

        assertThat(pipeline.awaitSpend("user/otel-user", sent, "0.0115")).isEqualTo("0.0115");
        double duplicatesBefore = duplicates();

        assertThat(exporter.otlp
                        .export(exporter.seen)
                        .join(30, TimeUnit.SECONDS)
                        .isSuccess())
                .as("exported again")
                .isTrue();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (duplicates() < duplicatesBefore + 2 && System.nanoTime() < deadline) {
            Thread.sleep(200); // the pause of a deadline-bounded poll
        }
        assertThat(duplicates())
                .as("both copies reached the processor and were dropped")
                .isEqualTo(duplicatesBefore + 2);
        assertThat(pipeline.awaitSpend("user/otel-user", sent, "0.0115")).isEqualTo("0.0115");
        assertThat(pipeline.awaitValue(
                        "SELECT count(*) || ' ' || sum(total_cost_usd) FROM agent_usage WHERE event_id LIKE '" + trace
                                + ":%'",
                        "2 0.0115"))
                .isEqualTo("2 0.0115");
    }

    private static double duplicates() throws Exception {
        String total = pipeline.metric("agentmeter_processor_duplicates_total");
        return total == null ? 0 : Double.parseDouble(total);
    }

    @Test
    void aJsonBatchThroughTheCollectorLandsWithItsRejectsAnswered() throws Exception {
        String batch = "[{\"schemaVersion\":1,\"eventId\":\"json-1\",\"timestamp\":\"" + Instant.now()
                + "\",\"kind\":\"llm\",\"agent\":\"ts-agent\",\"model\":\"gpt-4o\",\"usage\":{\"inputTokens\":1000,"
                + "\"outputTokens\":500}},{\"kind\":\"llm\",\"agent\":\"ts-agent\"}]";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/events"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(batch))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .startsWith("{\"accepted\":1,\"rejected\":1,\"results\":[{\"index\":0,\"status\":\"accepted\","
                        + "\"eventId\":\"json-1\"},{\"index\":1,\"status\":\"rejected\",\"field\":\"schemaVersion\"");
        assertThat(pipeline.awaitValue(
                        "SELECT total_cost_usd || ' ' || agent FROM agent_usage WHERE event_id = 'json-1'",
                        "0.0075 ts-agent"))
                .isEqualTo("0.0075 ts-agent");
    }
}
