package dev.agentmeter.collector.bench;

import com.google.protobuf.ByteString;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.collector.CollectorApp;
import dev.agentmeter.collector.CollectorConfig;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.model.EventIds;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Utils;

/**
 * Events/s into Kafka through the collector's two endpoints against the producer client's own
 * {@code track()}, in one run on one in-JVM broker; then request latency at half the batched rate.
 * Prints figures; asserts nothing. Run: {@code mvn install -DskipTests && mvn -pl collector -Pbench
 * -DskipTests verify} ({@code -Dbench.events=…}, {@code -Dbench.batch=…}, {@code -Dbench.clients=…}).
 */
public final class IngestBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 200_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 500);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("ingest-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary().start()) {
            for (String t : List.of("bench.track", "bench.events", "bench.traces", "bench.latency")) {
                kafka.createTopics(new NewTopic(t, 3, (short) 1));
            }
            System.out.printf(
                    "%,d events, batches of %d, %d concurrent clients, broker in this JVM%n%n", EVENTS, BATCH, CLIENTS);
            for (int round = 1; round <= 2; round++) { // round 1 warms the JIT; round 2 counts
                double track = track(kafka.bootstrapServers(), work.resolve("track-" + round));
                double events;
                double traces;
                try (CollectorApp app =
                        collector(kafka.bootstrapServers(), "bench.events", work.resolve("c-" + round))) {
                    events = throughput(app.port(), "/v1/events", "application/json", IngestBenchmark::eventsBody);
                }
                try (CollectorApp app =
                        collector(kafka.bootstrapServers(), "bench.traces", work.resolve("o-" + round))) {
                    traces =
                            throughput(app.port(), "/v1/traces", "application/x-protobuf", IngestBenchmark::tracesBody);
                }
                System.out.printf(
                        "round %d: track() %,.0f ev/s | POST /v1/events %,.0f ev/s (%.2fx) | POST /v1/traces"
                                + " (protobuf) %,.0f ev/s (%.2fx)%n",
                        round, track, events, events / track, traces, traces / track);
                if (round == 2) {
                    try (CollectorApp app = collector(kafka.bootstrapServers(), "bench.latency", work.resolve("l"))) {
                        latency(app.port(), events / 2);
                    }
                }
            }
        } finally {
            Utils.delete(work.toFile());
        }
    }

    private static CollectorApp collector(String bootstrap, String topic, Path spool) {
        return new CollectorApp(CollectorConfig.of(Map.of(
                        CollectorConfig.BOOTSTRAP_SERVERS,
                        bootstrap,
                        CollectorConfig.TOPIC_RAW,
                        topic,
                        CollectorConfig.HTTP_PORT,
                        "0",
                        CollectorConfig.SPOOL_DIRECTORY,
                        spool.toString())))
                .start();
    }

    private static UsageEvent event(Instant at) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return UsageEvent.builder()
                .eventId(EventIds.next(at.toEpochMilli()))
                .timestamp(at)
                .agent("agent-" + r.nextInt(20))
                .userId("user-" + r.nextInt(1000))
                .sessionId("s-" + r.nextInt(5000))
                .model("gpt-4o")
                .usage(Usage.of(1000 + r.nextInt(1000), 300))
                .build();
    }

    /** The producer client alone: events/s from the first track() to a flush that confirmed them all. */
    private static double track(String bootstrap, Path spool) {
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(bootstrap)
                .topic("bench.track")
                .spoolDirectory(spool)
                .queueCapacity(EVENTS)
                .build()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                tracker.track(event(Instant.now()));
            }
            tracker.flush(Duration.ofMinutes(2));
            return EVENTS / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private interface Body {
        byte[] make(int n);
    }

    private static byte[] eventsBody(int n) {
        List<UsageEvent> events = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            events.add(event(now));
        }
        return ContractJson.toBytes(events);
    }

    private static byte[] tracesBody(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < n; i++) {
            byte[] trace = new byte[16];
            byte[] span = new byte[8];
            r.nextBytes(trace);
            r.nextBytes(span);
            scope.addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(trace))
                    .setSpanId(ByteString.copyFrom(span))
                    .setName("chat gpt-4o")
                    .setStartTimeUnixNano(now)
                    .setEndTimeUnixNano(now + 900_000_000L)
                    .addAttributes(kv("gen_ai.operation.name", "chat"))
                    .addAttributes(kv("gen_ai.provider.name", "openai"))
                    .addAttributes(kv("gen_ai.request.model", "gpt-4o"))
                    .addAttributes(kv("user.id", "user-" + r.nextInt(1000)))
                    .addAttributes(kv("gen_ai.usage.input_tokens", 1000 + r.nextInt(1000)))
                    .addAttributes(kv("gen_ai.usage.output_tokens", 300)));
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "bench")))
                        .addScopeSpans(scope))
                .build()
                .toByteArray();
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static KeyValue kv(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }

    /** {@code CLIENTS} threads each POST batches until {@code EVENTS} went through; bodies are built beforehand. */
    private static double throughput(int port, String path, String type, Body body) throws Exception {
        int requests = EVENTS / BATCH;
        List<byte[]> bodies = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            bodies.add(body.make(BATCH));
        }
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            done.add(pool.submit(() -> {
                for (long i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    send(port, path, type, bodies.get((int) i));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double rate = (double) requests * BATCH / ((System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        return rate;
    }

    private static long send(int port, String path, String type, byte[] body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<Void> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        return System.nanoTime() - t0;
    }

    /** Batches of 100 events, paced to {@code rate} events/s for 20 s by 4 clients: request latency percentiles. */
    private static void latency(int port, double rate) throws Exception {
        int batch = 100;
        int clients = 4;
        long seconds = 20;
        long intervalNanos = (long) (1e9 * batch * clients / rate);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                long due = System.nanoTime();
                while (due < end) {
                    LockSupport.parkNanos(due - System.nanoTime());
                    latencies.add(send(port, "/v1/events", "application/json", eventsBody(batch)));
                    due += intervalNanos;
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(
                "latency at %,.0f ev/s (half the batched rate; batches of %d, %d clients, %d s): %d requests,"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                rate,
                batch,
                clients,
                seconds,
                sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) (sorted.size() * 0.99)) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }
}
