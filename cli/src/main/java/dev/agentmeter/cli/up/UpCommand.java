package dev.agentmeter.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.analytics.archive.Archiver;
import dev.agentmeter.cli.AgentMeterCli;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.cli.kafka.ProcessorHttp;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.collector.CollectorConfig;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.notifier.NotifierApp;
import dev.agentmeter.notifier.NotifierConfig;
import dev.agentmeter.support.TopicAdmin;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the whole pipeline on this machine (README's first command). Data survives restarts in
 * {@code --data-dir}; Ctrl-C stops in reverse order after the demo's last events are in Kafka.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Run broker, PostgreSQL, stream processor and sink locally (--demo: with sample traffic).")
public final class UpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--demo",
            description = "Generate realistic sample traffic with a live progress line; report at the end.")
    boolean demo;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "Stop after this long, e.g. PT20S or 20s (default: until Ctrl-C).")
    String duration;

    @Option(names = "--rate", defaultValue = "50", description = "Demo events per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Use this Kafka instead of the in-JVM broker.")
    String kafka;

    @Option(
            names = "--pg-url",
            paramLabel = "JDBC_URL",
            description = "Use this PostgreSQL instead of the embedded one.")
    String pgUrl;

    @Option(
            names = "--data-dir",
            defaultValue = ".agentmeter",
            description = "Local data (broker log, database, state; default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "" + Endpoints.LOCAL_KAFKA_PORT)
    int kafkaPort;

    @Option(names = "--pg-port", defaultValue = "" + Endpoints.LOCAL_PG_PORT)
    int pgPort;

    @Option(
            names = "--http-port",
            defaultValue = "" + Endpoints.LOCAL_PROCESSOR_PORT,
            description = "Stream processor queries and /metrics.")
    int httpPort;

    @Option(
            names = "--collector-port",
            defaultValue = "" + CollectorConfig.OTLP_HTTP_PORT,
            description = "The collector: POST /v1/events and OTLP/HTTP /v1/traces (default ${DEFAULT-VALUE}, OTLP's).")
    int collectorPort;

    @Option(
            names = "--dashboard-port",
            defaultValue = "" + DashboardConfig.DEFAULT_PORT,
            description = "The dashboard (default ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--seed", description = "Seed of the demo traffic, for a repeatable run (default: random).")
    Long seed;

    @Option(names = "--partitions", defaultValue = "3", hidden = true)
    int partitions;

    @Option(
            names = "--retention",
            paramLabel = "Nd|Nw|Nm",
            description =
                    "Archive whole months of usage older than this to <data-dir>/archive, daily (default: keep everything).")
    String retention;

    @Option(
            names = "--alertmanager",
            paramLabel = "URL",
            description = "Run the notifier and hand budget alerts to this Alertmanager (repeatable).")
    List<String> alertmanagers = new ArrayList<>();

    @Option(
            names = "--notify-webhook",
            paramLabel = "SCOPE=FORMAT:URL",
            description =
                    "Run the notifier and post budget alerts to this webhook rule (repeatable), e.g. 'team:*=slack:https://hooks.slack.com/…'.")
    List<String> notifyWebhooks = new ArrayList<>();

    @Option(
            names = "--prices-from",
            paramLabel = "FILE|URL",
            description =
                    "Import prices from this maintained catalog (genai-prices data or LiteLLM's file) shortly after start"
                            + " and daily, as `prices import` does.")
    String pricesFrom;

    @Option(
            names = "--reconcile-every",
            paramLabel = "DURATION",
            description =
                    "Fetch the providers' bills (env OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY) for the last 3 days this often,"
                            + " e.g. 24h, reconcile them with the ledger and record the capture rate (dashboard /metrics).")
    String reconcileEvery;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Duration limit = parseDuration("--duration", duration);
        Duration reconcileInterval = parseDuration("--reconcile-every", reconcileEvery);
        if (retention != null) {
            try {
                Archiver.horizon(Instant.now(), retention);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--retention: " + e.getMessage());
            }
        }
        Thread hook = new Thread(
                () -> {
                    stopRequested.countDown();
                    try {
                        stopped.await(90, TimeUnit.SECONDS); // let run() finish flushing and closing in order
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "agentmeter-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path logFile = Logs.toFile(dataDir.resolve("logs"));
        out.println("agentmeter up: starting the pipeline (data in " + dataDir.toAbsolutePath() + ", logs in " + logFile
                + ")");
        out.flush();
        try (LocalPipeline pipeline = LocalPipeline.start(
                new LocalPipeline.Settings(
                        dataDir,
                        kafka,
                        pgUrl,
                        kafkaPort,
                        pgPort,
                        httpPort,
                        collectorPort,
                        dashboardPort,
                        partitions,
                        Map.of()),
                out)) {
            String runId = DateTimeFormatter.ofPattern("HHmmss")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            String hotUser = "demo-" + runId;
            publishExampleBudgets(pipeline.bootstrapServers(), demo ? hotUser : null, out);
            printHowTo(out, pipeline);
            try (RetentionSchedule retentionRuns = retention == null
                            ? null
                            : new RetentionSchedule(pipeline.pgUrl(), retention, dataDir.resolve("archive"), out);
                    PriceImportSchedule priceImports = pricesFrom == null
                            ? null
                            : new PriceImportSchedule(pipeline.bootstrapServers(), pricesFrom, out);
                    ReconcileSchedule reconciles = reconcileInterval == null
                            ? null
                            : new ReconcileSchedule(
                                    pipeline.pgUrl(),
                                    reconcileInterval,
                                    ReconcileSchedule.keysFrom(System.getenv()),
                                    out);
                    NotifierApp notifier = startNotifier(pipeline.bootstrapServers(), out)) {
                if (demo) {
                    runDemo(pipeline, hotUser, limit, out);
                } else {
                    out.println("pipeline running; Ctrl-C stops it");
                    out.flush();
                    await(limit);
                }
            }
            out.println("stopping...");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting through the hook
            }
        }
        out.println("stopped; nothing in flight was lost: what was sent is in Kafka and resumes on the next `up`");
        out.flush();
    }

    /** The notifier beside the pipeline when a target was given (loopback, any free port), else null. */
    private NotifierApp startNotifier(String bootstrap, PrintWriter out) {
        if (alertmanagers.isEmpty() && notifyWebhooks.isEmpty()) {
            return null;
        }
        TopicAdmin.createTopics(bootstrap, new NewTopic(Topics.NOTIFY_DEAD_LETTERS, 1, (short) 1));
        Map<String, String> settings = new HashMap<>();
        settings.put(NotifierConfig.BOOTSTRAP_SERVERS, bootstrap);
        settings.put(NotifierConfig.ALERTMANAGER_URLS, String.join(",", alertmanagers));
        settings.put(NotifierConfig.WEBHOOK_ROUTES, String.join(",", notifyWebhooks));
        settings.put(NotifierConfig.HTTP_PORT, "0");
        settings.put(NotifierConfig.DASHBOARD_URL, "http://localhost:" + dashboardPort);
        NotifierApp app;
        try {
            app = new NotifierApp(NotifierConfig.of(settings)).start();
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "notifier: " + e.getMessage());
        }
        synchronized (out) {
            out.println("notifier: budget alerts to " + alertmanagers.size() + " Alertmanager(s) and "
                    + notifyWebhooks.size() + " webhook rule(s); /health on http://127.0.0.1:" + app.port());
            out.flush();
        }
        return app;
    }

    private void runDemo(LocalPipeline pipeline, String hotUser, Duration limit, PrintWriter out)
            throws InterruptedException {
        long rowsBefore = count(pipeline.pgUrl(), "agent_usage");
        long alertsBefore = count(pipeline.pgUrl(), "budget_alerts");
        long demoSeed = seed != null ? seed : System.nanoTime();
        TrafficGenerator traffic = new TrafficGenerator(demoSeed, 6, hotUser);
        // One event in five reaches the collector as an OpenTelemetry span, as an instrumented agent reports it.
        DemoOtlp otel = new DemoOtlp(pipeline.collectorUrl(), demoSeed);
        long tracked = 0;
        long start = System.nanoTime();
        long deadline = limit == null ? Long.MAX_VALUE : start + limit.toNanos();
        long nextProgress = start + 1_000_000_000L;
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(pipeline.bootstrapServers())
                .agent("demo")
                .spoolDirectory(dataDir.resolve("demo-spool"))
                .closeTimeout(Duration.ofSeconds(30))
                .build()) {
            while (stopRequested.getCount() > 0 && System.nanoTime() < deadline) {
                long due = start + tracked * 1_000_000_000L / Math.max(1, rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                    continue;
                }
                UsageEvent next = traffic.next(Instant.now());
                if (tracked % 5 == 4) {
                    otel.add(next);
                } else {
                    tracker.track(next);
                }
                tracked++;
                if (System.nanoTime() >= nextProgress) {
                    sendOtlp(otel, out);
                    progress(out, pipeline, tracked, start, rowsBefore, alertsBefore);
                    nextProgress += 1_000_000_000L;
                }
            }
            sendOtlp(otel, out);
            tracker.flush(Duration.ofSeconds(30));
        }
        out.println();
        awaitSink(pipeline, rowsBefore + tracked, out);
        progress(out, pipeline, tracked, start, rowsBefore, alertsBefore);
        out.println();
        out.println();
        AgentMeterCli.commandLine()
                .setOut(out)
                .setErr(spec.commandLine().getErr())
                .execute(
                        "report",
                        "--kafka",
                        pipeline.bootstrapServers(),
                        "--pg-url",
                        pipeline.pgUrl(),
                        "--period",
                        "today");
    }

    private static void sendOtlp(DemoOtlp otel, PrintWriter out) throws InterruptedException {
        try {
            otel.send();
        } catch (IOException e) {
            out.println();
            out.println("note: the demo's OpenTelemetry spans were not taken: " + e.getMessage());
        }
    }

    private void progress(
            PrintWriter out, LocalPipeline pipeline, long tracked, long start, long rowsBefore, long alertsBefore) {
        double seconds = (System.nanoTime() - start) / 1e9;
        String spend = globalSpendToday(pipeline.processorUrl());
        long rows = count(pipeline.pgUrl(), "agent_usage") - rowsBefore;
        long alerts = count(pipeline.pgUrl(), "budget_alerts") - alertsBefore;
        // On a terminal the line redraws itself; in a log file each update is a line of its own.
        out.printf(
                Locale.ROOT,
                (onTerminal() ? "\r" : "")
                        + "  %,d events (%.0f/s) · spend today $%s · %d alerts · %,d rows in Postgres   ",
                tracked,
                tracked / seconds,
                spend,
                alerts,
                rows);
        if (!onTerminal()) {
            out.println();
        }
        out.flush();
    }

    /** After the last event, waits (up to 60 s) until the sink has stored everything sent. */
    private void awaitSink(LocalPipeline pipeline, long expectedRows, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count(pipeline.pgUrl(), "agent_usage") < expectedRows && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        long rows = count(pipeline.pgUrl(), "agent_usage");
        if (rows < expectedRows) {
            out.printf(
                    "note: %d of %d events are still on their way to Postgres; they land on the next `up`%n",
                    expectedRows - rows, expectedRows);
        }
    }

    private static String globalSpendToday(String processorUrl) {
        try {
            JsonNode json =
                    ProcessorHttp.get(processorUrl, null, "/v1/spend/global/*?period=DAY", Duration.ofSeconds(2));
            return new BigDecimal(json.path("spendUsd").asText("0"))
                    .setScale(4, RoundingMode.HALF_EVEN)
                    .toPlainString();
        } catch (RuntimeException e) {
            return "?"; // a progress line, not a report: a slow answer shows as unknown
        }
    }

    static long count(String pgUrl, String table) {
        try (Connection c = DriverManager.getConnection(pgUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0; // the sink creates the tables on its first batch
        }
    }

    private static void publishExampleBudgets(String bootstrap, String hotUser, PrintWriter out) {
        List<Budget> budgets = new ArrayList<>(List.of(
                new Budget(
                        Scope.GLOBAL,
                        Map.of(Period.DAY, new BigDecimal("50.00"), Period.MONTH, new BigDecimal("1000.00")),
                        null),
                new Budget(Scope.parse("team:support"), Map.of(Period.DAY, new BigDecimal("20.00")), null)));
        if (hotUser != null) {
            budgets.add(new Budget(Scope.parse("user:" + hotUser), Map.of(Period.DAY, new BigDecimal("0.50")), null));
        }
        for (Budget b : budgets) {
            KafkaIo.publish(bootstrap, Topics.BUDGETS, b.scope().toString(), ContractJson.toBytes(b));
        }
        out.println("  ✓ example budgets: global:* $50/day $1000/month, team:support $20/day"
                + (hotUser == null ? "" : ", user:" + hotUser + " $0.50/day (the demo crosses it)"));
        out.flush();
    }

    private static void printHowTo(PrintWriter out, LocalPipeline pipeline) {
        out.println();
        out.println("  dashboard: " + pipeline.dashboardUrl());
        out.println("  try (another terminal):  ./agentmeter spend global:*   ./agentmeter alerts --from-beginning");
        out.println("                           ./agentmeter report --group-by agent   psql '" + libpq(pipeline.pgUrl())
                + "'");
        out.println("  metrics: " + pipeline.processorUrl() + "/metrics");
        out.println("  report from any language: curl -H 'Content-Type: application/json' --data '[{...}]' "
                + pipeline.collectorUrl() + "/v1/events");
        out.println(
                "                            OTEL_EXPORTER_OTLP_ENDPOINT=" + pipeline.collectorUrl() + " (OTLP/HTTP)");
        out.println();
        out.flush();
    }

    private void await(Duration limit) throws InterruptedException {
        if (limit == null) {
            stopRequested.await();
        } else {
            stopRequested.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code value} of {@code option} as 20s, 5m, 24h or PT1H; null when not given. */
    private Duration parseDuration(String option, String value) {
        if (value == null) {
            return null;
        }
        String d = value.trim().toUpperCase(Locale.ROOT);
        try {
            Duration parsed = Duration.parse(d.startsWith("P") ? d : "PT" + d);
            if (parsed.isNegative() || parsed.isZero()) {
                throw new DateTimeParseException("not positive", d, 0);
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    option + ": '" + value + "' is not a positive duration like 20s, 5m, 24h or PT1H");
        }
    }

    /** A JDBC URL as psql takes it: libpq reads the same URI without the {@code jdbc:} prefix, query parameters included. */
    static String libpq(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring("jdbc:".length()) : jdbcUrl;
    }

    /**
     * Whether the output is a terminal. From JDK 22 on {@link System#console()} is never null, so
     * its {@code isTerminal()} says; before, a console exists only on a terminal.
     */
    private static boolean onTerminal() {
        return Optional.ofNullable(System.console()).map(UpCommand::isTerminal).orElse(false);
    }

    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
