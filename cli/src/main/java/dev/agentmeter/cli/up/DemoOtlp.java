package dev.agentmeter.cli.up;

import com.google.protobuf.ByteString;
import dev.agentmeter.model.UsageEvent;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's OpenTelemetry agent: part of the sample traffic goes to the collector as OTLP/HTTP
 * (protobuf), the way an OpenLLMetry- or OpenLIT-instrumented agent reports it. Each event becomes
 * an inference span under an agent span ({@code invoke_agent}, which the collector does not count),
 * and under agent spans for its handoff chain.
 */
final class DemoOtlp {

    private final URI endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SplittableRandom random;
    private final List<Span> pending = new ArrayList<>();
    private int events;

    DemoOtlp(String collectorUrl, long seed) {
        this.endpoint = URI.create(collectorUrl + "/v1/traces");
        this.random = new SplittableRandom(seed);
    }

    /** Adds the event as spans of a new trace; {@link #send} exports what was added. */
    void add(UsageEvent e) {
        byte[] trace = bytes(16);
        Instant at = e.timestamp();
        long start = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        long end = start
                + (e.call() != null && e.call().durationMs() != null ? e.call().durationMs() : 1000) * 1_000_000L;
        ByteString parent = ByteString.EMPTY;
        List<String> agents = new ArrayList<>(e.handoffChain() == null ? List.of() : e.handoffChain());
        agents.add(e.agent());
        for (String agent : agents) {
            ByteString id = ByteString.copyFrom(bytes(8));
            pending.add(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(trace))
                    .setSpanId(id)
                    .setParentSpanId(parent)
                    .setName("invoke_agent " + agent)
                    .setStartTimeUnixNano(start)
                    .setEndTimeUnixNano(end)
                    .addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
                    .addAttributes(kv("gen_ai.agent.name", agent))
                    .build());
            parent = id;
        }
        Span.Builder chat = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(trace))
                .setSpanId(ByteString.copyFrom(bytes(8)))
                .setParentSpanId(parent)
                .setName("chat " + e.model())
                .setStartTimeUnixNano(start)
                .setEndTimeUnixNano(end)
                .addAttributes(kv("gen_ai.operation.name", "chat"))
                .addAttributes(kv("gen_ai.provider.name", e.provider()))
                .addAttributes(kv("gen_ai.request.model", e.model()))
                .addAttributes(kv("gen_ai.usage.input_tokens", e.usage().inputTokens()))
                .addAttributes(kv("gen_ai.usage.output_tokens", e.usage().outputTokens()))
                .addAttributes(
                        kv("gen_ai.usage.cache_read.input_tokens", e.usage().cacheReadTokens()))
                .addAttributes(
                        kv("gen_ai.usage.cache_creation.input_tokens", e.usage().cacheWriteTokens()))
                .addAttributes(
                        kv("gen_ai.usage.reasoning.output_tokens", e.usage().reasoningTokens()))
                .addAttributes(kv("user.id", e.userId()))
                .addAttributes(kv("session.id", e.sessionId()))
                .addAttributes(kv("agentmeter.team", e.teamId()));
        if (e.task() != null && e.task().type() != null) {
            chat.addAttributes(kv("agentmeter.task.type", e.task().type()));
        }
        if (e.providerCostUsd() != null) {
            chat.addAttributes(KeyValue.newBuilder()
                    .setKey("gen_ai.usage.cost")
                    .setValue(AnyValue.newBuilder()
                            .setDoubleValue(e.providerCostUsd().doubleValue())));
        }
        if (e.call() != null && e.call().isError()) {
            chat.setStatus(Status.newBuilder()
                    .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage(
                            e.call().errorMessage() == null ? "error" : e.call().errorMessage()));
        }
        pending.add(chat.build());
        events++;
    }

    /** Exports the spans added since the last call; returns how many events they carried. */
    int send() throws IOException, InterruptedException {
        if (pending.isEmpty()) {
            return 0;
        }
        byte[] body = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "agentmeter-demo")))
                        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(pending)))
                .build()
                .toByteArray();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(endpoint)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the collector at " + endpoint + " answered " + r.statusCode());
        }
        int sent = events;
        pending.clear();
        events = 0;
        return sent;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value == null ? "" : value))
                .build();
    }

    private static KeyValue kv(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }
}
