package dev.agentmeter.cli.up;

import dev.agentmeter.collector.CollectorApp;
import dev.agentmeter.collector.CollectorConfig;
import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.embedded.EmbeddedKafka;
import dev.agentmeter.embedded.LocalPostgres;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.sink.runner.EmbeddedConnect;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole pipeline in this JVM: broker and PostgreSQL (embedded unless external ones are
 * given), the stream processor, the collector, the sink connector in Connect's standalone
 * runtime, and the dashboard. Started in dependency order, stopped in reverse. Everything that listens binds to loopback.
 */
public final class LocalPipeline implements AutoCloseable {

    public static final String CONNECTOR = "agentmeter-postgres-sink";

    /**
     * Where things run and where local data lives. Ports 0 = any free port is not supported for
     * Kafka/PG: data must find them again. {@code processor}: extra processor settings
     * ({@code ProcessorConfig} keys), on top of the local ones.
     */
    public record Settings(
            Path dataDir,
            String externalKafka,
            String externalPgUrl,
            int kafkaPort,
            int pgPort,
            int httpPort,
            int collectorPort,
            int dashboardPort,
            int partitions,
            Map<String, String> processor) {

        public Settings {
            processor = Map.copyOf(processor);
        }

        /** The collector and the dashboard on any free port, the processor with the local settings only. */
        public Settings(
                Path dataDir,
                String externalKafka,
                String externalPgUrl,
                int kafkaPort,
                int pgPort,
                int httpPort,
                int partitions) {
            this(dataDir, externalKafka, externalPgUrl, kafkaPort, pgPort, httpPort, 0, 0, partitions, Map.of());
        }

        public Settings(
                Path dataDir,
                String externalKafka,
                String externalPgUrl,
                int kafkaPort,
                int pgPort,
                int httpPort,
                int partitions,
                Map<String, String> processor) {
            this(dataDir, externalKafka, externalPgUrl, kafkaPort, pgPort, httpPort, 0, 0, partitions, processor);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String bootstrap;
    private String pgUrl;
    private ProcessorApp processor;
    private CollectorApp collector;
    private DashboardApp dashboard;

    public static LocalPipeline start(Settings settings, PrintWriter out) throws InterruptedException {
        LocalPipeline pipeline = new LocalPipeline();
        try {
            pipeline.startAll(settings, out);
            return pipeline;
        } catch (RuntimeException | InterruptedException e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll(Settings s, PrintWriter out) throws InterruptedException {
        if (s.externalKafka() == null) {
            EmbeddedKafka kafka = EmbeddedKafka.persistent(s.dataDir().resolve("kafka"), s.kafkaPort(), Map.of())
                    .start();
            started.push(kafka);
            bootstrap = kafka.bootstrapServers();
            step(out, "Kafka (in-JVM KRaft broker)", bootstrap);
        } else {
            bootstrap = s.externalKafka();
            step(out, "Kafka (external)", bootstrap);
        }
        if (s.externalPgUrl() == null) {
            LocalPostgres pg = LocalPostgres.persistent(s.dataDir().resolve("postgres"), s.pgPort())
                    .start();
            started.push(pg);
            pgUrl = pg.jdbcUrl();
            step(out, "PostgreSQL 17 (embedded)", pgUrl);
        } else {
            pgUrl = s.externalPgUrl();
            step(out, "PostgreSQL (external)", pgUrl.replaceAll("password=[^&]*", "password=***"));
        }

        Map<String, Object> config = new HashMap<>();
        config.put(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(ProcessorConfig.APPLICATION_ID, "agentmeter-local");
        config.put(ProcessorConfig.STATE_DIR, s.dataDir().resolve("streams").toString());
        config.put(ProcessorConfig.HTTP_PORT, Integer.toString(s.httpPort()));
        // Loopback only: on this machine nothing needs a token, and nothing from the network gets in.
        config.put(ProcessorConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
        config.putAll(s.processor());
        // One Prometheus registry for the processor's /metrics, also added to Micrometer's global
        // registry, where the sink task (created by Connect, no way to hand it one) registers its meters.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        started.push(() -> Metrics.removeRegistry(registry));
        ProcessorApp app = new ProcessorApp(ProcessorConfig.of(config), registry);
        app.prepare(s.partitions(), (short) 1);
        app.start();
        started.push(app);
        processor = app;
        if (!app.awaitRunning(Duration.ofSeconds(90))) {
            throw new IllegalStateException("the stream processor did not reach RUNNING within 90 s");
        }
        step(out, "stream processor (topics created, prices seeded)", "http://localhost:" + app.httpPort());

        collector = new CollectorApp(
                        CollectorConfig.of(Map.of(
                                CollectorConfig.BOOTSTRAP_SERVERS,
                                bootstrap,
                                CollectorConfig.HTTP_PORT,
                                Integer.toString(s.collectorPort()),
                                CollectorConfig.HTTP_BIND_ADDRESS,
                                "127.0.0.1",
                                CollectorConfig.SPOOL_DIRECTORY,
                                s.dataDir().resolve("collector-spool").toString())),
                        registry)
                .start();
        started.push(collector);
        step(out, "collector (POST /v1/events, OTLP/HTTP /v1/traces)", collectorUrl());

        EmbeddedConnect connect = EmbeddedConnect.start(
                bootstrap, s.dataDir().resolve("connect.offsets"), Map.of("consumer.max.poll.records", "2000"));
        started.push(connect);
        connect.putConnector(CONNECTOR, EmbeddedConnect.sinkConfig(pgUrl, null, null, 1));
        connect.awaitRunning(CONNECTOR, Duration.ofSeconds(90));
        step(out, "sink connector (Kafka Connect standalone, in-process)", connect.restUrl());

        // After the sink: its migrations made the tables and the read-only analyst role the dashboard logs in with.
        Map<String, String> dash = new HashMap<>(AnalystLogin.ensure(pgUrl, out));
        dash.put(DashboardConfig.PROCESSOR_URL, processorUrl());
        dash.put(DashboardConfig.BOOTSTRAP_SERVERS, bootstrap);
        dash.put(DashboardConfig.HTTP_PORT, Integer.toString(s.dashboardPort()));
        dash.put(DashboardConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
        dashboard = new DashboardApp(DashboardConfig.of(dash)).start();
        started.push(dashboard);
        step(out, "dashboard (read-only, live)", dashboardUrl());
    }

    private static void step(PrintWriter out, String what, String where) {
        out.printf("  ✓ %-55s %s%n", what, where);
        out.flush();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String pgUrl() {
        return pgUrl;
    }

    public String processorUrl() {
        return "http://localhost:" + processor.httpPort();
    }

    public String dashboardUrl() {
        return "http://localhost:" + dashboard.port() + "/";
    }

    public String collectorUrl() {
        return "http://localhost:" + collector.port();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
        }
    }
}
