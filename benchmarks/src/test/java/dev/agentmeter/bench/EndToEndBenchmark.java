package dev.agentmeter.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.embedded.ConsumerGroups;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.LocalPostgres;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.topology.UsageTopology;
import dev.agentmeter.sink.runner.EmbeddedConnect;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.postgresql.PGConnection;

/**
 * N events through the real pipeline on this machine — producer client → stream processor (own JVM)
 * → sink connector (Connect runtime) → PostgreSQL — in two phases:
 * <ol>
 *   <li>throughput: all N events as fast as the client takes them; events/s per stage, processor
 *       CPU, heap and RSS; then the baselines on the same broker and database: a pass-through
 *       topology over the same raw records and a raw COPY of the same rows;</li>
 *   <li>latency: a paced run at about half the measured pipeline rate, so latencies are the
 *       pipeline's and not a queue's: event → priced record, → alert, → row visible in Postgres.</li>
 * </ol>
 * Writes {@code e2e.md}, {@code e2e.json} and {@code e2e-throughput.png} into the results directory.
 */
public final class EndToEndBenchmark {

    private static final int USERS = 200;
    private static final String APP_ID = "e2e";
    /** When each event was tracked, by phase ("t", "l") and sequence: alerts name their triggering event. */
    private static final Map<String, long[]> TRACKED = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path results = Path.of(args.length > 1 ? args[1] : "bench/results");
        Files.createDirectories(results);
        Path work = Files.createTempDirectory("agentmeter-e2e");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("events", n);
        figures.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name"));

        try (EmbeddedKafka kafka = EmbeddedKafka.temporary().start();
                LocalPostgres pg = LocalPostgres.temporary().start()) {
            String bootstrap = kafka.bootstrapServers();
            int http = FreePorts.next();
            ProcessorProcess processor = ProcessorProcess.start(
                    ProcessorProcess.config(work, bootstrap, APP_ID, http, Map.of()),
                    work.resolve("processor.log"),
                    http,
                    "1g");
            processor.awaitRunning(Duration.ofMinutes(2));
            try (EmbeddedConnect connect = EmbeddedConnect.start(
                    bootstrap, work.resolve("connect.offsets"), Map.of("consumer.max.poll.records", "2000"))) {
                connect.putConnector("sink", EmbeddedConnect.sinkConfig(pg.jdbcUrl(), null, null, 2));
                connect.awaitRunning("sink", Duration.ofMinutes(1));
                publishBudgets(bootstrap, "t", n);

                Stage priced = Stage.follow(bootstrap, Topics.USAGE_PRICED, false);
                Stage alerts = Stage.follow(bootstrap, Topics.BUDGET_ALERTS, true);
                double cpu0 = processor.cpuSeconds();
                MachineCpu machine0 = MachineCpu.now();
                Run throughput = send(bootstrap, work, n, 0, "t");
                priced.awaitCount(n, Duration.ofMinutes(60));
                double cpu = processor.cpuSeconds() - cpu0;
                MachineCpu machine = MachineCpu.now().minus(machine0);
                long rowsDeadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                while (count(pg, "agent_usage") < n && System.nanoTime() < rowsDeadline) {
                    Thread.sleep(500);
                }
                double pipelineSeconds = (priced.lastArrivalMillis() - throughput.startMillis) / 1000.0;
                figures.put("client_events_per_s", round(n / throughput.seconds));
                figures.put("processor_events_per_s", round(n / pipelineSeconds));
                figures.put("sink_rows_per_s", round(sinkRate(pg)));
                figures.put("processor_cpu_cores", round2(cpu / pipelineSeconds));
                // Where the other cores went while the processor ran: this JVM holds the broker, Connect,
                // the client and the followers; the rest of the machine is mostly PostgreSQL.
                figures.put("machine_cpu_cores_busy", round2(machine.busySeconds() / machine.wallSeconds()));
                figures.put("machine_cpu_cores_stolen", round2(machine.stealSeconds() / machine.wallSeconds()));
                figures.put("bench_jvm_cpu_cores", round2(machine.benchJvmSeconds() / machine.wallSeconds()));
                figures.put("processor_heap_mib", processor.heapUsedBytes() >> 20);
                figures.put("processor_rss_mib", processor.rssBytes() >> 20);
                figures.put("passthrough_events_per_s", round(PassThrough.run(bootstrap, Topics.USAGE_RAW, work)));
                figures.put("raw_copy_rows_per_s", round(rawCopy(pg)));
                List<long[]> series = perSecond(throughput.startMillis, priced, pg);

                // Phase 2: paced at half the pipeline's rate for 30 s.
                int rate = Math.max(50, (int) (n / pipelineSeconds / 2));
                int paced = rate * 30;
                priced.reset("l");
                alerts.reset("l");
                publishBudgets(bootstrap, "l", paced);
                ConsumerGroups.awaitCaughtUp(bootstrap, APP_ID, Duration.ofMinutes(1), Topics.BUDGETS);
                send(bootstrap, work, paced, rate, "l");
                priced.awaitCount(paced, Duration.ofMinutes(10));
                // Latencies are complete once the processor and the sink have consumed everything.
                ConsumerGroups.awaitCaughtUp(
                        bootstrap,
                        APP_ID,
                        Duration.ofMinutes(10),
                        Topics.USAGE_RAW,
                        APP_ID + "-" + UsageTopology.BY_HOME_PARTITION + "-repartition",
                        APP_ID + "-" + UsageTopology.BY_SCOPE + "-repartition");
                PostgresExtension.awaitCount(
                        pg.jdbcUrl(),
                        "SELECT count(*) FROM agent_usage WHERE event_id LIKE 'l-%'",
                        paced,
                        Duration.ofMinutes(10));
                figures.put("latency_rate_events_per_s", rate);
                figures.put("latency_to_priced_ms", priced.percentiles());
                figures.put("latency_to_alert_ms", alerts.percentiles());
                figures.put("latency_to_postgres_ms", postgresLatency(pg));
                Report.write(results, figures, series);
            } finally {
                processor.kill();
            }
        }
        Utils.delete(work.toFile()); // kept, with the processor's log, only if the run failed
        System.out.println(
                ContractJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
    }

    /**
     * CPU seconds of the whole machine (from /proc/stat, Linux: busy = user, nice, system, irq,
     * softirq; steal = taken by the hypervisor) and of this JVM, at one moment or between two.
     */
    record MachineCpu(double wallSeconds, double busySeconds, double stealSeconds, double benchJvmSeconds) {
        static MachineCpu now() throws IOException {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice (USER_HZ ticks)
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+", -1);
            long busy = Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            double jvm =
                    ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            return new MachineCpu(System.nanoTime() / 1e9, busy / 100.0, Long.parseLong(f[8]) / 100.0, jvm);
        }

        MachineCpu minus(MachineCpu earlier) {
            return new MachineCpu(
                    wallSeconds - earlier.wallSeconds,
                    busySeconds - earlier.busySeconds,
                    stealSeconds - earlier.stealSeconds,
                    benchJvmSeconds - earlier.benchJvmSeconds);
        }
    }

    /** Wall-clock span of one client run. */
    record Run(long startMillis, double seconds) {}

    /** Tracks {@code n} events (rate 0 = unpaced); event ids carry the phase and sequence. */
    private static Run send(String bootstrap, Path work, int n, int rate, String phase) {
        long start = System.currentTimeMillis();
        long t0 = System.nanoTime();
        long[] tracked = new long[n];
        TRACKED.put(phase, tracked);
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(bootstrap)
                .agent("bench")
                .spoolDirectory(work.resolve("spool-" + phase))
                .queueCapacity(Math.max(n, 1024))
                .build()) {
            for (int i = 0; i < n; i++) {
                if (rate > 0) {
                    long wait = t0 + i * 1_000_000_000L / rate - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                String user = phase + "-user-" + (i % USERS);
                Instant now = Instant.now();
                tracked[i] = now.toEpochMilli();
                tracker.track(UsageEvent.builder()
                        .eventId(phase + "-" + i)
                        .timestamp(now)
                        .agent("agent-" + (i % 20))
                        .userId(user)
                        .sessionId(user + "-" + (i % 7))
                        .teamId("team-" + (i % 5))
                        .provider(i % 3 == 0 ? "anthropic" : "openai")
                        .model(i % 3 == 0 ? "claude-sonnet-4-5" : "gpt-4o")
                        .usage(new Usage(2000 + i % 5000, 300 + i % 700, 500, 0, 0, 0, false))
                        .build());
            }
            tracker.flush(Duration.ofMinutes(10));
        }
        return new Run(start, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Per-user DAY budgets of the phase's users at about half of what they will spend (events cost
     * ~$0.02), so every user crosses 50, 80 and 100 % during the run: many alerts to time.
     */
    private static void publishBudgets(String bootstrap, String phase, int events) {
        List<Budget> budgets = new ArrayList<>();
        BigDecimal limit = new BigDecimal("0.01").multiply(BigDecimal.valueOf(Math.max(1, events / USERS)));
        for (int u = 0; u < USERS; u++) {
            budgets.add(new Budget(Scope.parse("user:" + phase + "-user-" + u), Map.of(Period.DAY, limit), null));
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (var producer = new KafkaProducer<String, byte[]>(p, new StringSerializer(), new ByteArraySerializer())) {
            Sends.all(
                    producer,
                    budgets.stream()
                            .map(b -> new ProducerRecord<>(
                                    Topics.BUDGETS, b.scope().toString(), ContractJson.toBytes(b)))
                            .toList());
        }
    }

    /** Follows a topic (read_committed) recording arrival time − event time per record. */
    static final class Stage {
        private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong last = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        /** Only records of this phase's events count (a lagging earlier phase must not pollute latencies). */
        private volatile String phase = "t-";

        static Stage follow(String bootstrap, String topic, boolean alerts) {
            Stage stage = new Stage();
            Thread t = new Thread(() -> stage.run(bootstrap, topic, alerts), "follow-" + topic);
            t.setDaemon(true);
            t.start();
            return stage;
        }

        private void run(String bootstrap, String topic, boolean alerts) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                c.assign(parts);
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                        long now = System.currentTimeMillis();
                        String eventId = alerts
                                ? ContractJson.fromBytes(r.value(), BudgetAlert.class)
                                        .triggeringEventId()
                                : ContractJson.fromBytes(r.value(), PricedUsage.class)
                                        .event()
                                        .eventId();
                        if (eventId == null || !eventId.startsWith(phase)) {
                            continue;
                        }
                        long eventMillis = alerts ? triggeringEventTime(eventId) : eventTime(r.value());
                        if (eventMillis > 0) {
                            latencies.add(now - eventMillis);
                        }
                        arrivals.add(now);
                        count.incrementAndGet();
                        last.set(now);
                    }
                }
            }
        }

        /** When the alert's triggering event was tracked; 0 for alerts a budget change raised. */
        private static long triggeringEventTime(String id) {
            long[] tracked = TRACKED.get(id.substring(0, id.indexOf('-')));
            int seq = Integer.parseInt(id.substring(id.indexOf('-') + 1));
            return tracked == null || seq >= tracked.length ? 0 : tracked[seq];
        }

        private static long eventTime(byte[] value) {
            return ContractJson.fromBytes(value, PricedUsage.class)
                    .event()
                    .timestamp()
                    .toEpochMilli();
        }

        void awaitCount(long n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }

        long lastArrivalMillis() {
            return last.get();
        }

        List<Long> arrivals() {
            return new ArrayList<>(arrivals);
        }

        void reset(String nextPhase) {
            phase = nextPhase + "-";
            latencies.clear();
            arrivals.clear();
            count.set(0);
        }

        Map<String, Long> percentiles() {
            return Report.percentiles(new ArrayList<>(latencies));
        }
    }

    private static long count(LocalPostgres pg, String table) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException notYet) {
            return 0;
        }
    }

    /** Rows/s while the sink was writing: rows / (last ingested_at − first ingested_at). */
    private static double sinkRate(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) / greatest(extract(epoch FROM max(ingested_at) - min(ingested_at)), 0.001) FROM agent_usage")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** The same rows, exported and COPYed straight into a plain copy of the table: the database's upper bound. */
    private static double rawCopy(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE copy_baseline (LIKE agent_usage INCLUDING DEFAULTS INCLUDING INDEXES)");
            StringWriter csv = new StringWriter();
            long rows = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut("COPY (SELECT * FROM agent_usage) TO STDOUT (FORMAT csv)", csv);
            long t0 = System.nanoTime();
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY copy_baseline FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            return rows / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Percentiles of (ingested_at − occurred_at) over the paced phase's rows, computed by Postgres. */
    private static Map<String, Long> postgresLatency(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM ingested_at - occurred_at) * 1000) "
                                + "FROM agent_usage WHERE event_id LIKE 'l-%'")) {
            rs.next();
            Double[] p = (Double[]) rs.getArray(1).getArray();
            Map<String, Long> out = new LinkedHashMap<>();
            out.put("p50", Math.round(p[0]));
            out.put("p95", Math.round(p[1]));
            out.put("p99", Math.round(p[2]));
            return out;
        }
    }

    /** Per second since the start: [second, priced records, rows ingested]. */
    private static List<long[]> perSecond(long startMillis, Stage priced, LocalPostgres pg) throws Exception {
        Map<Long, long[]> bySecond = new TreeMap<>();
        for (long arrival : priced.arrivals()) {
            bySecond.computeIfAbsent((arrival - startMillis) / 1000, k -> new long[3])[1]++;
        }
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT floor((extract(epoch FROM ingested_at) * 1000 - " + startMillis
                        + ") / 1000)::bigint, count(*) "
                        + "FROM agent_usage WHERE event_id LIKE 't-%' GROUP BY 1 ORDER BY 1")) {
            while (rs.next()) {
                bySecond.computeIfAbsent(rs.getLong(1), k -> new long[3])[2] = rs.getLong(2);
            }
        }
        List<long[]> out = new ArrayList<>();
        bySecond.forEach((second, v) -> out.add(new long[] {second, v[1], v[2]}));
        return out;
    }

    private static long round(double v) {
        return Math.round(v);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
