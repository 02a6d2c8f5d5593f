package dev.agentmeter.processor.bench;

import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.topology.UsageTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The de-duplication step for a new event (a lookup that misses, then a put) against Kafka
 * Streams' own RocksDB window stores, built as the topology builds them ({@code layout}: the
 * app's time-first {@code dedup-by-time-store} or the eventId-first {@code dedup-store} of
 * earlier builds) and opened with the app's Streams settings, already holding {@code stored} ids.
 * {@code filters}: the app's {@code DedupStoreRocksDbConfig} (bloom filters on every level) or
 * Kafka Streams' default ({@code -p filters=kafka-default}: none on the last level).
 * Changelogging is off: the changelog send is the same in all.
 * Run: {@code mvn install -DskipTests && mvn -pl stream-processor -Pjmh -DskipTests verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DedupStoreBenchmark {

    private static final long T0 = 1_795_341_600_000L; // 2026-11-22T10:00Z

    @Param({"every-level"})
    public String filters;

    /** {@code uuid}: random version-4 UUIDs, as the producer client makes them; {@code seq}: {@code evt-<n>}. */
    @Param({"uuid"})
    public String ids;

    /** {@code time-first}: the app's store; {@code id-first}: earlier builds' (now the legacy store). */
    @Param({"time-first", "id-first"})
    public String layout;

    /** Ids already stored: 5M is about a day at 60 events/s (the store keeps 7 days by default). */
    @Param({"5000000"})
    public int stored;

    private Path stateDir;
    private WindowStore<String, ?> store;
    private TimestampedWindowStore<String, Long> timeFirst;
    private WindowStore<String, Long> idFirst;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        stateDir = Files.createTempDirectory("dedup-bench");
        Properties streams = ProcessorApp.streamsProperties(
                ProcessorConfig.of(Map.of(ProcessorConfig.STATE_DIR, stateDir.toString())), 0);
        if (filters.equals("kafka-default")) {
            streams.remove(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        }
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(streams, new TaskId(0, 0),
                stateDir.toFile());
        Duration retention = ProcessorConfig.of(Map.of()).dedupRetention();
        if (layout.equals("time-first")) {
            store = timeFirst = UsageTopology.dedupStore(retention).withLoggingDisabled().build();
        } else {
            store = idFirst = UsageTopology.legacyDedupStore(retention).withLoggingDisabled().build();
        }
        store.init(context.getStateStoreContext(), store);
        for (next = 0; next < stored; next++) {
            newEvent();
        }
        store.flush();
    }

    /** One new event: 100 per millisecond of event time, as the processor benchmark produces them. */
    @Benchmark
    public boolean newEvent() {
        String eventId = ids.equals("seq") ? "evt-" + next : new UUID(ProcessorThroughputBenchmark.mix(next), ProcessorThroughputBenchmark.mix(~next)).toString();
        long at = T0 + next++ / 100;
        if (timeFirst != null) { // as DedupProcessor
            if (timeFirst.fetch(eventId, at) != null) {
                return false;
            }
            timeFirst.put(eventId, ValueAndTimestamp.make(at, at), at);
        } else {
            if (idFirst.fetch(eventId, at) != null) {
                return false;
            }
            idFirst.put(eventId, at, at);
        }
        return true;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
