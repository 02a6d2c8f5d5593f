package dev.agentmeter.collector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.collector.otlp.ExampleGenAiSpans;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The collector on a real broker, asked by a real HTTP client and a real OpenTelemetry SDK exporter. */
class CollectorIT {

    private static final String TOKEN = "collector-s3cret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path spool;

    private CollectorApp app;
    private String topic;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private void start(String bootstrap, Map<String, String> overrides) {
        topic = kafka.uniqueTopic("collector");
        Map<String, String> p = new HashMap<>();
        p.put(CollectorConfig.BOOTSTRAP_SERVERS, bootstrap);
        p.put(CollectorConfig.TOPIC_RAW, topic);
        p.put(CollectorConfig.HTTP_PORT, "0");
        p.put(CollectorConfig.HTTP_AUTH_TOKEN, TOKEN);
        p.put(CollectorConfig.SPOOL_DIRECTORY, spool.toString());
        p.putAll(overrides);
        app = new CollectorApp(CollectorConfig.of(p)).start();
    }

    private void start() {
        kafka.createTopics(new NewTopic(kafka.uniqueTopic("unused"), 1, (short) 1));
        start(kafka.bootstrapServers(), Map.of());
        kafka.createTopics(new NewTopic(topic, 2, (short) 1));
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postEvents(String body) throws Exception {
        return post("/v1/events", "application/json", body.getBytes(UTF_8), TOKEN);
    }

    private static String event(String id, long input) {
        return "{\"schemaVersion\":1,\"eventId\":\"" + id
                + "\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"kind\":\"llm\","
                + "\"agent\":\"bot\",\"model\":\"gpt-4o\",\"usage\":{\"inputTokens\":" + input
                + ",\"outputTokens\":5}}";
    }

    private List<UsageEvent> published(int n) {
        List<ConsumerRecord<String, byte[]>> records =
                TopicReader.await(kafka.bootstrapServers(), topic, n, Duration.ofSeconds(30), Duration.ofSeconds(1));
        return records.stream()
                .map(r -> ContractJson.fromBytes(r.value(), UsageEvent.class))
                .toList();
    }

    @Test
    void aBatchWithOneBadEventAnswersPerEventAndPublishesTheGoodOnesKeyedByEventId() throws Exception {
        start();

        HttpResponse<String> r =
                postEvents("[" + event("good-1", 10) + "," + event("bad", -3) + "," + event("good-2", 20) + "]");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .isEqualTo("{\"accepted\":2,\"rejected\":1,\"results\":["
                        + "{\"index\":0,\"status\":\"accepted\",\"eventId\":\"good-1\"},"
                        + "{\"index\":1,\"status\":\"rejected\",\"field\":\"usage.inputTokens\","
                        + "\"reason\":\"usage.inputTokens is -3; token counts and durations cannot be negative\"},"
                        + "{\"index\":2,\"status\":\"accepted\",\"eventId\":\"good-2\"}]}");
        List<ConsumerRecord<String, byte[]>> records =
                TopicReader.await(kafka.bootstrapServers(), topic, 2, Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("good-1", "good-2");
        assertThat(records.stream()
                        .map(rec -> ContractJson.fromBytes(rec.value(), UsageEvent.class)
                                .sessionId()))
                .as("a sessionless event stays sessionless")
                .containsOnlyNulls();
    }

    @Test
    void whatCannotBeReadGetsAClearErrorAndNothingElseIsLost() throws Exception {
        start(kafka.bootstrapServers(), Map.of(CollectorConfig.MAX_REQUEST_BYTES, "2048"));
        kafka.createTopics(new NewTopic(topic, 1, (short) 1));

        HttpResponse<String> notJson = postEvents("this is not json");
        HttpResponse<String> wrongType =
                post("/v1/events", "text/plain", event("t", 1).getBytes(UTF_8), TOKEN);
        HttpResponse<String> tooLarge = postEvents("[" + (event("big", 1) + ",").repeat(20) + event("last", 1) + "]");
        HttpResponse<String> notOtlp =
                post("/v1/traces", "application/x-protobuf", new byte[] {(byte) 0xff, 0x00, 0x13}, TOKEN);
        HttpResponse<String> fine = postEvents("[" + event("after-the-errors", 1) + "]");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body())
                .isEqualTo("{\"error\":\"the body is not JSON: expected a JSON array of UsageEvents"
                        + " (or one UsageEvent object)\"}");
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(wrongType.body())
                .isEqualTo("{\"error\":\"Content-Type must be application/json (a JSON array of"
                        + " UsageEvents) or application/x-ndjson (one per line), not 'text/plain'\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body())
                .isEqualTo("{\"error\":\"the body is larger than 2048 bytes (max.request.bytes);"
                        + " send smaller batches\"}");
        assertThat(notOtlp.statusCode()).isEqualTo(400);
        assertThat(notOtlp.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(notOtlp.body()).contains("the body is not a protobuf-encoded OTLP ExportTraceServiceRequest");
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(published(1)).extracting(UsageEvent::eventId).containsExactly("after-the-errors");
    }

    @Test
    void withoutTheTokenEveryIngestIs401() throws Exception {
        start();

        assertThat(post("/v1/events", "application/json", ("[" + event("x", 1) + "]").getBytes(UTF_8), null)
                        .statusCode())
                .isEqualTo(401);
        assertThat(post("/v1/traces", "application/json", "{}".getBytes(UTF_8), "wrong")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void spansFromTheOpenTelemetrySdkBecomeEventsWithAgentsCacheReasoningAndProviderCost() throws Exception {
        start();
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + app.port() + "/v1/traces")
                .addHeader("Authorization", "Bearer " + TOKEN)
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "support-bot"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        Tracer tracer = provider.get("agentmeter-test");

        Span agent = tracer.spanBuilder("invoke_agent TechnicalSupport")
                .setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("gen_ai.agent.name", "TechnicalSupport")
                .setAttribute("gen_ai.conversation.id", "conv-42")
                .startSpan();
        String traceId = agent.getSpanContext().getTraceId();
        String first;
        String second;
        try (Scope ignored = agent.makeCurrent()) {
            Span cached = ExampleGenAiSpans.cachedSonnetChat(tracer, "alice").startSpan();
            first = cached.getSpanContext().getSpanId();
            cached.end();
            Span reasoning =
                    ExampleGenAiSpans.reasoningO4MiniChat(tracer, "alice").startSpan();
            reasoning.setStatus(StatusCode.ERROR, "content filtered");
            second = reasoning.getSpanContext().getSpanId();
            reasoning.end();
        }
        agent.end();
        assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        List<UsageEvent> events = published(2);
        assertThat(events).hasSize(2);
        UsageEvent a = events.stream()
                .filter(e -> e.eventId().equals(traceId + ":" + first))
                .findFirst()
                .orElseThrow();
        UsageEvent b = events.stream()
                .filter(e -> e.eventId().equals(traceId + ":" + second))
                .findFirst()
                .orElseThrow();
        assertThat(a.agent()).isEqualTo("TechnicalSupport");
        assertThat(a.sessionId()).isEqualTo("conv-42");
        assertThat(a.userId()).isEqualTo("alice");
        assertThat(a.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(a.usage()).isEqualTo(new Usage(2000, 300, 1500, 200, 0, 0, false));
        assertThat(b.usage()).isEqualTo(new Usage(800, 900, 0, 0, 0, 700, false));
        assertThat(b.providerCostUsd()).isEqualTo(new BigDecimal("0.0049"));
        assertThat(b.call().status()).isEqualTo("error");
        assertThat(b.call().errorMessage()).isEqualTo("content filtered");
    }

    @Test
    void anOtlpJsonExportWithAnInvalidSpanIsAPartialSuccess() throws Exception {
        start();
        String export = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bot"}}]},
                  "scopeSpans":[{"spans":[
                    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat",
                     "startTimeUnixNano":"1764669600000000000","endTimeUnixNano":"1764669601000000000",
                     "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                                   {"key":"gen_ai.usage.input_tokens","value":{"intValue":"100"}},
                                   {"key":"gen_ai.usage.output_tokens","value":{"intValue":"10"}}]},
                    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"aaa19b7ec3c1b174","name":"chat",
                     "startTimeUnixNano":"1764669600000000000","endTimeUnixNano":"1764669601000000000",
                     "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"100"}}]}]}]}]}
                """;

        HttpResponse<String> r = post("/v1/traces", "application/json", export.getBytes(UTF_8), TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode partial = ContractJson.mapper().readTree(r.body()).get("partialSuccess");
        assertThat(partial.get("rejectedSpans").asText()).isEqualTo("1");
        assertThat(partial.get("errorMessage").asText())
                .isEqualTo("span 5b8efff798038103d269b633813fc60c:aaa19b7ec3c1b174: model is required");
        assertThat(published(1))
                .extracting(UsageEvent::eventId)
                .containsExactly("5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174");
    }

    @Test
    void withKafkaStoppedTheAnswerIsStill2xxAndExactlyThoseEventsArriveLater() throws Exception {
        try (EmbeddedKafka own = EmbeddedKafka.temporary().start()) {
            start(own.bootstrapServers(), Map.of());
            own.createTopics(new NewTopic(topic, 1, (short) 1));
            assertThat(postEvents("[" + event("before", 1) + "]").statusCode()).isEqualTo(200);
            own.stop();

            HttpResponse<String> during = postEvents("[" + event("during-1", 1) + "," + event("during-2", 2) + "]");

            assertThat(during.statusCode()).isEqualTo(200);
            assertThat(app.tracker().isSpooling()).isTrue();
            own.start();
            List<ConsumerRecord<String, byte[]>> records =
                    TopicReader.await(own.bootstrapServers(), topic, 3, Duration.ofSeconds(60), Duration.ofSeconds(2));
            assertThat(records)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("before", "during-1", "during-2");
        }
    }

    @Test
    void anEventWithAProviderCostOf1e10000IsRejectedAloneAndTheCollectorKeepsAnswering() throws Exception {
        start();
        String poison =
                event("poison", 1).replace("\"agent\":\"bot\"", "\"agent\":\"bot\",\"providerCostUsd\":\"1e10000\"");

        HttpResponse<String> first = postEvents("[" + poison + "," + event("ok-1", 1) + "]");
        long start = System.nanoTime();
        HttpResponse<String> second = postEvents("[" + event("ok-2", 2) + "]");
        long millis = (System.nanoTime() - start) / 1_000_000;

        JsonNode body = ContractJson.mapper().readTree(first.body());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(body.at("/results/0/status").asText()).isEqualTo("rejected");
        assertThat(body.at("/results/0/field").asText()).isEqualTo("providerCostUsd");
        assertThat(body.at("/results/1/status").asText()).isEqualTo("accepted");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(millis)
                .as("a later request is not held up by the poison (ms)")
                .isLessThan(5000);
        assertThat(published(2)).extracting(UsageEvent::eventId).containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aRetriedRequestWithoutEventIdsGetsTheSameIdsFromItsBody() throws Exception {
        start();
        String noIds = "[" + event("x", 1).replace("\"eventId\":\"x\",", "") + ","
                + event("y", 2).replace("\"eventId\":\"y\",", "") + "]";

        JsonNode first = ContractJson.mapper().readTree(postEvents(noIds).body());
        JsonNode retry = ContractJson.mapper().readTree(postEvents(noIds).body());

        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(noIds.getBytes(UTF_8)));
        assertThat(first.at("/results/0/eventId").asText()).isEqualTo(sha + ":0");
        assertThat(first.at("/results/1/eventId").asText()).isEqualTo(sha + ":1");
        assertThat(retry.at("/results/1/eventId").asText()).isEqualTo(sha + ":1");
    }

    @Test
    void anIdempotencyKeyNamesTheIdsOfEventsWithoutOne() throws Exception {
        start();
        String noId = "[" + event("x", 1).replace("\"eventId\":\"x\",", "") + "]";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/events"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .header("Idempotency-Key", "batch-2026-12-07-0001")
                .POST(HttpRequest.BodyPublishers.ofString(noId))
                .build();

        JsonNode body = ContractJson.mapper()
                .readTree(
                        HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());

        assertThat(body.at("/results/0/eventId").asText()).isEqualTo("batch-2026-12-07-0001:0");
    }

    @Test
    void withKafkaAwayAndTheSpoolFullTheAnswerIs507AndNamesTheEventsNotKept() throws Exception {
        try (EmbeddedKafka own = EmbeddedKafka.temporary().start()) {
            start(
                    own.bootstrapServers(),
                    Map.of(
                            CollectorConfig.SPOOL_MAX_BYTES,
                            Long.toString(1024 * 1024),
                            CollectorConfig.FLUSH_TIMEOUT,
                            "PT30S"));
            own.createTopics(new NewTopic(topic, 1, (short) 1));
            own.stop();
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 8000; i++) {
                batch.append(i == 0 ? "" : ",").append(event("e-" + i, 1));
            }

            HttpResponse<String> answer = postEvents(batch.append(']').toString());

            JsonNode body = ContractJson.mapper().readTree(answer.body());
            assertThat(answer.statusCode()).isEqualTo(507);
            int kept = body.get("accepted").asInt();
            int notKept = body.get("notDurable").asInt();
            assertThat(kept + notKept).isEqualTo(8000);
            assertThat(kept).as("what fits in 1 MiB of spool").isBetween(1000, 7999);
            assertThat(body.at("/results/7999/status").asText()).isEqualTo("not_durable");
            assertThat(body.at("/results/7999/reason").asText()).startsWith("the spool is full");
            assertThat(body.at("/results/0/status").asText()).isEqualTo("accepted");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
