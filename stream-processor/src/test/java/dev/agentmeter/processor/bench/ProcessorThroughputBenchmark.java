package dev.agentmeter.processor.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.model.EventIds;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.topology.DedupStoreRocksDbConfig;
import dev.agentmeter.processor.topology.UsageTopology;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Events/s of the full topology against a pass-through topology ({@code stream(raw).to(out)}), both
 * exactly-once, on the same in-JVM broker, same pre-loaded input; and of the I/O floor between them
 * (see {@link #passThrough}). Prints figures; asserts nothing.
 * Run: {@code mvn install -DskipTests && mvn -pl stream-processor -Pbench -DskipTests verify} (1M
 * events, 1,000 users; see README), or run this class with the number of events as the first
 * argument (default 200,000; distinct users = events / 2 unless {@code -Dbench.users} says).
 */
public final class ProcessorThroughputBenchmark {

    /** Partitions of the raw and pass-through topics ({@code -Dbench.partitions}, default 3). */
    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 3);

    /**
     * eventIds: {@code uuid7} (default) time-first version-7 UUIDs as the producer client makes them
     * ({@code EventIds}); {@code uuid} random version-4 UUIDs (other senders, and earlier clients);
     * {@code seq} {@code b-<n>}, which arrive in key order.
     */
    private static final String IDS = System.getProperty("bench.ids", "uuid7");

    /**
     * Raw record keys: {@code event} (default) the eventId, as the producer client keys them, so every
     * event is de-duplicated where it lands; {@code session} the sessionId, so most events take the
     * {@code by-home-partition} detour.
     */
    private static final String KEYS = System.getProperty("bench.key", "event");

    private ProcessorThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int users = Integer.getInteger("bench.users", Math.max(1, n / 2));
        int sessions = Integer.getInteger("bench.sessions", 5000);
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary().start()) {
            String raw = "bench.raw";
            kafka.createTopics(
                    new NewTopic(raw, PARTITIONS, (short) 1), new NewTopic("bench.passthrough", PARTITIONS, (short) 1));
            long t0 = System.nanoTime();
            load(kafka.bootstrapServers(), raw, n, users, sessions);
            System.out.printf("loaded %,d events in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

            // Rounds 1 and 2 warm the JIT; the last round counts. On 2 cores C2 compiles for most of a first
            // run and is still at it during round 2's pass-through (from /proc: ~5 of its ~24 CPU seconds,
            // ~1 in round 3): a round-2 pass-through ran at 69k, the same in round 3 at 110k (PERFORMANCE.md).
            int rounds = Integer.getInteger("bench.rounds", 3);
            System.out.println();
            System.out.println(
                    "| round | pass-through stream(raw).to(out) ev/s | floor ev/s | ratio | full topology ev/s | ratio |"
                            + " pass-through from RUNNING | floor from RUNNING | ratio | full from RUNNING | ratio |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            Rate pass = null;
            Rate floor = null;
            Rate full = null;
            for (int round = 1; round <= rounds; round++) {
                pass = passThrough(kafka.bootstrapServers(), raw, n, "bench-pass-" + round, false);
                floor = passThrough(kafka.bootstrapServers(), raw, n, "bench-floor-" + round, true);
                full = fullTopology(kafka.bootstrapServers(), raw, n, "bench-full-" + round);
                System.out.printf(
                        "| %d | %,.0f | %,.0f | %.2f | %,.0f | %.2f | %,.0f | %,.0f | %.2f | %,.0f | %.2f |%n",
                        round,
                        pass.withStartup(),
                        floor.withStartup(),
                        floor.withStartup() / pass.withStartup(),
                        full.withStartup(),
                        full.withStartup() / pass.withStartup(),
                        pass.running(),
                        floor.running(),
                        floor.running() / pass.running(),
                        full.running(),
                        full.running() / pass.running());
            }
            Runtime rt = Runtime.getRuntime();
            System.out.println();
            System.out.printf(
                    "events %,d (%s eventIds), distinct users %,d, sessions %,d, EOS, %s stream thread(s) in the full"
                            + " topology and the pass-through, %d partitions%n",
                    n,
                    IDS,
                    users,
                    sessions,
                    System.getProperty(
                            "bench.kafka.num.stream.threads",
                            "the default " + ProcessorConfig.of(Map.of()).threads()),
                    PARTITIONS);
            System.out.printf(
                    "ratio full/pass-through: %.2f (from RUNNING %.2f); full/floor: %.2f; heap used %d MiB; RSS %s%n",
                    full.withStartup() / pass.withStartup(),
                    full.running() / pass.running(),
                    full.withStartup() / floor.withStartup(),
                    (rt.totalMemory() - rt.freeMemory()) >> 20,
                    rss());
        }
    }

    private static void load(String bootstrap, String topic, int n, int users, int sessions) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Instant base = Instant.now().minus(Duration.ofMinutes(20));
        Random ids = new Random(42);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            Sends sends = Sends.of(producer);
            for (int i = 0; i < n; i++) {
                Instant at = base.plusMillis(i / 100);
                UsageEvent e = UsageEvent.builder()
                        .eventId(eventId(i, ids, at))
                        .timestamp(at)
                        .agent("agent-" + (i % 20))
                        .userId("user-" + (i % users))
                        .teamId("team-" + (i % 10))
                        .sessionId("s-" + (i % sessions))
                        .model(i % 3 == 0 ? "claude-sonnet-4-5" : "gpt-4o")
                        .usage(new Usage(1200 + i % 1000, 300, 200, 0, 0, 0, false))
                        .build();
                sends.add(producer.send(new ProducerRecord<>(
                        topic, KEYS.equals("session") ? e.sessionId() : e.eventId(), ContractJson.toBytes(e))));
            }
            sends.await();
        }
    }

    private static String eventId(int i, Random random, Instant at) {
        if (IDS.equals("seq")) {
            return "b-" + i;
        }
        if (IDS.equals("uuid7")) {
            return EventIds.next(at.toEpochMilli());
        }
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * {@code stream(raw).to(out)}; with {@code floor}, each record is also remembered in a logged
     * window store configured as the de-duplication store (same name, options and RocksDB settings;
     * keyed by its offset: no parsing). The floor is what any exactly-once de-duplicating topology
     * does per event besides its output: the part of the full topology's gap to the pass-through
     * that is Kafka's store and I/O work, not our code.
     */
    private static Rate passThrough(String bootstrap, String raw, int n, String appId, boolean floor) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        KStream<byte[], byte[]> in = b.stream(raw, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (floor) {
            b.addStateStore(
                    UsageTopology.dedupStore(ProcessorConfig.of(Map.of()).dedupRetention()));
            in = in.process(Remember::new, UsageTopology.DEDUP_STORE);
        }
        in.to("bench.passthrough", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        Path state = Files.createTempDirectory("bench-pass");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000); // as the full topology's default
        p.put(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                Integer.getInteger(
                        "bench.kafka.num.stream.threads",
                        ProcessorConfig.of(Map.of()).threads())); // and as many threads
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DedupStoreRocksDbConfig.class); // as the app
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            return timeUntilConsumed(streams, bootstrap, appId, raw, n, null);
        } finally {
            Utils.delete(state.toFile());
        }
    }

    /** The floor's store work per record: the de-duplication's lookups and put, nothing else. */
    private static final class Remember implements Processor<byte[], byte[], byte[], byte[]> {
        private final long bucketMs =
                ProcessorConfig.of(Map.of()).dedupRetention().toMillis();
        private ProcessorContext<byte[], byte[]> context;
        private WindowStore<String, Long> store;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(UsageTopology.DEDUP_STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata source = context.recordMetadata().orElseThrow();
            // Keys shaped as the input's ids, without parsing.
            long n = ((long) source.partition() << 48) ^ source.offset();
            String id = IDS.equals("seq")
                    ? source.partition() + "-" + source.offset()
                    : IDS.equals("uuid7") ? EventIds.next(record.timestamp()) : new UUID(mix(n), mix(~n)).toString();
            long now = context.currentSystemTimeMs();
            long bucket = now - Math.floorMod(now, bucketMs);
            if (store.fetch(id, bucket) == null
                    && store.fetch(id, bucket - bucketMs) == null
                    && store.fetch(id, bucket + bucketMs) == null) { // as DedupProcessor
                store.put(id, record.timestamp(), bucket);
                context.forward(record);
            }
        }
    }

    /** SplitMix64's finaliser: a well-spread 64-bit value per input (also {@link DedupStoreBenchmark}'s ids). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static Rate fullTopology(String bootstrap, String raw, int n, String appId) throws Exception {
        Path state = Files.createTempDirectory("bench-full");
        Map<String, Object> props = new HashMap<>(Map.of(
                ProcessorConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                ProcessorConfig.APPLICATION_ID,
                appId,
                ProcessorConfig.TOPIC_RAW,
                raw,
                ProcessorConfig.HTTP_PORT,
                "0",
                ProcessorConfig.STATE_DIR,
                state.toString(),
                "kafka.auto.offset.reset",
                "earliest"));
        // -Dbench.kafka.commit.interval.ms=1000 etc.: Kafka Streams overrides for experiments.
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("bench.kafka."))
                .forEach(k -> props.put(k.substring("bench.".length()), System.getProperty(k)));
        ProcessorConfig config = ProcessorConfig.of(props);
        try (ProcessorApp app = new ProcessorApp(config)) {
            app.prepare(PARTITIONS, (short) 1);
            return timeUntilConsumed(null, bootstrap, appId, raw, n, app);
        } finally {
            Utils.delete(state.toFile());
        }
    }

    /**
     * Events/s counted from start() and from the moment the instance was RUNNING (tasks assigned),
     * and CPU µs per event: of the app's stream threads, and of the whole JVM (broker included).
     * On a shared 2-core VM wall-clock rates swing by a third between runs; CPU per event is steadier.
     */
    private record Rate(double withStartup, double running, double streamCpuMicros, double jvmCpuMicros) {}

    private static long streamThreadsCpuNanos(String appId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null
                    && t.getThreadName().startsWith(appId)
                    && t.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long jvmCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Starts the app and waits until its committed offsets on the raw topic reach the end, and (for
     * the full topology) its last sub-topology has drained. Events/s = n / elapsed, once from
     * start() (group join, internal topics, restore included) and once from RUNNING.
     */
    private static Rate timeUntilConsumed(
            KafkaStreams streams, String bootstrap, String group, String raw, int n, ProcessorApp app)
            throws Exception {
        long t0 = System.nanoTime();
        long jvmCpu0 = jvmCpuNanos();
        if (app != null) {
            app.start();
            streams = app.streams();
        } else {
            streams.start();
        }
        long running = 0;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(raw).stream()
                    .map(i -> new TopicPartition(raw, i.partition()))
                    .toList();
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            while (true) {
                if (running == 0 && streams.state() == KafkaStreams.State.RUNNING) {
                    running = System.nanoTime();
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                long done = 0;
                long lag = 0;
                List<TopicPartition> internal = committed.keySet().stream()
                        .filter(tp -> !tp.topic().equals(raw))
                        .toList();
                Map<TopicPartition, Long> internalEnd = internal.isEmpty() ? Map.of() : c.endOffsets(internal);
                for (var e : committed.entrySet()) {
                    if (e.getKey().topic().equals(raw)) {
                        done += e.getValue().offset();
                    } else {
                        lag += internalEnd.get(e.getKey()) - e.getValue().offset();
                    }
                }
                if (done >= total && lag == 0 && committed.size() > parts.size() - 1) {
                    break;
                }
                LockSupport.parkNanos(20_000_000);
            }
        }
        long t1 = System.nanoTime();
        double streamCpu = streamThreadsCpuNanos(group) / 1e3 / n;
        double jvmCpu = (jvmCpuNanos() - jvmCpu0) / 1e3 / n;
        System.out.printf(
                "%s: %,d events in %.1f s (%.1f s from RUNNING); CPU per event: stream threads %.1f µs,"
                        + " whole JVM %.1f µs%n",
                group, n, (t1 - t0) / 1e9, (t1 - running) / 1e9, streamCpu, jvmCpu);
        return new Rate(n / ((t1 - t0) / 1e9), n / ((t1 - running) / 1e9), streamCpu, jvmCpu);
    }

    private static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS"))
                    .findFirst()
                    .orElse("?")
                    .replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "?";
        }
    }
}
