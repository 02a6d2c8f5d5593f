package dev.agentmeter.processor.bench;

import dev.agentmeter.model.EventIds;
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
 * The de-duplication step for a new event (the lookups that miss, then a put) against Kafka
 * Streams' own RocksDB window store, built as the topology builds it ({@code UsageTopology.dedupStore})
 * and opened with the app's Streams settings, already holding {@code stored} ids filed in two
 * buckets (a whole retention's worth), as {@code DedupProcessor} files them.
 * {@code ids}: {@code uuid7} (the producer client's, time first), {@code uuid} (random version 4)
 * or {@code seq}. {@code filters}: the app's {@code DedupStoreRocksDbConfig} (bloom filters on every
 * level) or Kafka Streams' default ({@code -p filters=kafka-default}: none on the last level).
 * Changelogging is off: the changelog send is the same in all.
 * Run: {@code mvn install -DskipTests && mvn -pl stream-processor -Pjmh -DskipTests verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DedupStoreBenchmark {

    private static final long T0 = 1_795_341_600_000L; // 2026-11-22T10:00Z

    @Param({"every-level"})
    public String filters;

    @Param({"uuid7", "uuid"})
    public String ids;

    /** Ids already stored: 5M is about a day at 60 events/s (the store keeps 7 to 14 days by default). */
    @Param({"5000000"})
    public int stored;

    private Path stateDir;
    private WindowStore<String, Long> store;
    private long bucketMs;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        stateDir = Files.createTempDirectory("dedup-bench");
        Properties streams = ProcessorApp.streamsProperties(
                ProcessorConfig.of(Map.of(ProcessorConfig.STATE_DIR, stateDir.toString())), 0);
        if (filters.equals("kafka-default")) {
            streams.remove(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        }
        MockProcessorContext<Object, Object> context =
                new MockProcessorContext<>(streams, new TaskId(0, 0), stateDir.toFile());
        Duration retention = ProcessorConfig.of(Map.of()).dedupRetention();
        bucketMs = retention.toMillis();
        store = UsageTopology.dedupStore(retention).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        for (next = 0; next < stored; next++) {
            newEvent();
        }
        store.commit(Map.of());
    }

    /**
     * One new event, as {@code DedupProcessor} handles it: 100 per millisecond of wall clock, the
     * first half of the stored ids in the bucket before the current one.
     */
    @Benchmark
    public boolean newEvent() {
        long at = T0 + next / 100;
        String eventId = switch (ids) {
            case "seq" -> "evt-" + next;
            case "uuid7" -> EventIds.next(at);
            default ->
                new UUID(ProcessorThroughputBenchmark.mix(next), ProcessorThroughputBenchmark.mix(~next)).toString();
        };
        long now = next < stored / 2 ? T0 - bucketMs : T0;
        next++;
        long bucket = now - Math.floorMod(now, bucketMs);
        if (store.fetch(eventId, bucket) != null
                || store.fetch(eventId, bucket - bucketMs) != null
                || store.fetch(eventId, bucket + bucketMs) != null) {
            return false;
        }
        store.put(eventId, at, bucket);
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
