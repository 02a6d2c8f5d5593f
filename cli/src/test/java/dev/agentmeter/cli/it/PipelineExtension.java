package dev.agentmeter.cli.it;

import dev.agentmeter.cli.kafka.ProcessorHttp;
import dev.agentmeter.cli.up.LocalPipeline;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.PostgresExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The pipeline {@code up} runs (processor, sink in Connect, collector, dashboard) for a pipeline
 * IT, on an in-JVM broker and a database of its own, with two raw partitions. Register it as a
 * static field: {@code @RegisterExtension static final PipelineExtension pipeline = new
 * PipelineExtension("cli_it");}. Its data directory is removed after the class unless a test
 * failed: the parts' logs are in it.
 */
final class PipelineExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final KafkaExtension kafka = new KafkaExtension();
    private final PostgresExtension pg = new PostgresExtension();
    private final String database;
    private Path data;
    private String pgUrl;
    private int httpPort;
    private LocalPipeline running;
    private boolean failed;

    /** {@code database}: the name of the test's own database, also the data directory's prefix. */
    PipelineExtension(String database) {
        this.database = database;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka.beforeAll(context);
        pg.beforeAll(context);
        data = Files.createTempDirectory(database + "-");
        pgUrl = pg.createDatabase(database);
        httpPort = FreePorts.next();
        running = start(Map.of());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            pg.afterAll(context);
            kafka.afterAll(context);
            if (!failed && context.getExecutionException().isEmpty() && data != null) {
                delete(data);
            } else if (data != null) {
                System.err.println(context.getDisplayName() + ": the pipeline's data and logs are kept in " + data);
            }
        }
    }

    /**
     * Stops the pipeline and starts it again on the same broker, database, data and processor port,
     * with these processor settings ({@code ProcessorConfig} keys) on top of the local ones.
     */
    void restart(Map<String, String> processor) throws InterruptedException {
        running.close();
        running = start(processor);
    }

    private LocalPipeline start(Map<String, String> processor) throws InterruptedException {
        return LocalPipeline.start(
                new LocalPipeline.Settings(data, kafka.bootstrapServers(), pgUrl, 0, 0, httpPort, 2, processor),
                new PrintWriter(new StringWriter()));
    }

    /** The directory the pipeline keeps its data and logs in; tests may put their own files there. */
    Path data() {
        return data;
    }

    String pgUrl() {
        return pgUrl;
    }

    String bootstrapServers() {
        return running.bootstrapServers();
    }

    String processorUrl() {
        return running.processorUrl();
    }

    String collectorUrl() {
        return running.collectorUrl();
    }

    String dashboardUrl() {
        return running.dashboardUrl();
    }

    /** The first column of the query's first row now; null when it has none or the sink has not made the table yet. */
    String sql(String query) {
        try (Connection c = DriverManager.getConnection(pgUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException notYet) {
            return null; // the sink migrates on its first batch
        }
    }

    /** The first column of the query's first row once it has one (rows land asynchronously); fails after 60 s. */
    String awaitRow(String query) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(pgUrl);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(query)) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            } catch (SQLException tableNotYetCreated) {
                // the sink migrates on its first batch
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no row within " + AWAIT.toSeconds() + " s for " + query);
    }

    /** The query's first value once it is {@code expected}, or the last seen after 60 s (for the assertion to show). */
    String awaitValue(String query, String expected) throws Exception {
        return awaitEqual(() -> sql(query), expected);
    }

    /**
     * The processor's spend of {@code scopePath} ({@code type/id}) in the DAY holding {@code at},
     * once it is {@code expected}, or the last seen after 60 s.
     */
    String awaitSpend(String scopePath, Instant at, String expected) throws Exception {
        return awaitEqual(
                () -> ProcessorHttp.get(
                                processorUrl(),
                                null,
                                "/v1/spend/" + scopePath + "?period=DAY&at=" + at,
                                Duration.ofSeconds(5))
                        .path("spendUsd")
                        .asText(),
                expected);
    }

    /** The value of the processor's scrape line that starts with {@code series} (name and labels); null without one. */
    String metric(String series) throws IOException, InterruptedException {
        String scrape = HTTP.send(
                        HttpRequest.newBuilder(URI.create(processorUrl() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .map(l -> l.substring(series.length() + 1))
                .findFirst()
                .orElse(null);
    }

    /** The value of the processor's scrape line {@code series} once it is {@code expected}, or the last seen after 60 s. */
    String awaitMetric(String series, String expected) throws Exception {
        return awaitEqual(() -> metric(series), expected);
    }

    /** What a wait reads again until it sees the value it waits for. */
    @FunctionalInterface
    private interface Reading {
        String read() throws Exception;
    }

    /** Reads until the value is {@code expected} or 60 s passed, 200 ms apart; returns the last value read. */
    private static String awaitEqual(Reading reading, String expected) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String seen = reading.read();
        while (!expected.equals(seen) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = reading.read();
        }
        return seen;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
