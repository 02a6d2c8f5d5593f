package dev.agentmeter.client.bench;

import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracking costs the agent's thread: {@code UsageTracker.track()} against a raw
 * {@code KafkaProducer.send()} of the same event (serialised on the caller, as a hand-rolled client
 * would), both against the in-JVM broker. Run: see producer-client/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrackBenchmark {

    private static final String TOPIC = "bench-raw";

    private EmbeddedKafka kafka;
    private UsageTracker tracker;
    private KafkaProducer<String, byte[]> raw;
    private Path spool;
    private final UsageEvent event = UsageEvent.builder()
            .agent("triage")
            .userId("user-456")
            .teamId("support")
            .sessionId("session-123")
            .provider("anthropic")
            .model("claude-sonnet-4-5")
            .usage(new Usage(12000, 800, 10000, 1000, 0, 0, false))
            .task(new Task("feature_implementation", "standard", "Implement settings screen"))
            .call(new Call("generate", "stop", 2500L, "success", null, 48000L))
            .attributes(Map.of("tier", "pro"))
            .build();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        kafka = EmbeddedKafka.temporary().start();
        kafka.createTopics(new NewTopic(TOPIC, 3, (short) 1));
        spool = Files.createTempDirectory("bench-spool");
        tracker = UsageTracker.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(TOPIC)
                .spoolDirectory(spool)
                .queueCapacity(4_000_000)
                .closeTimeout(Duration.ofSeconds(60))
                .build();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        raw = new KafkaProducer<>(p);
    }

    @TearDown(Level.Iteration)
    public void drain() {
        // Each iteration starts with an empty queue, so backlog from one does not bleed into the next.
        tracker.flush(Duration.ofMinutes(5));
        raw.flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        var m = tracker.metrics();
        System.out.printf(
                "%n[tracker] tracked=%d sent=%d dropped=%d spooled=%d invalid=%d%n",
                m.trackedCount(), m.sentCount(), m.droppedCount(), m.spooledCount(), m.invalidCount());
        tracker.close();
        raw.close();
        kafka.close();
        Utils.delete(spool.toFile());
    }

    @Benchmark
    public String track() {
        return tracker.track(event);
    }

    @Benchmark
    public Future<RecordMetadata> rawSend() {
        UsageEvent e = event.toBuilder()
                .eventId(UUID.randomUUID().toString())
                .timestamp(Instant.now())
                .build();
        return raw.send(new ProducerRecord<>(TOPIC, e.sessionId(), ContractJson.toBytes(e)));
    }
}
