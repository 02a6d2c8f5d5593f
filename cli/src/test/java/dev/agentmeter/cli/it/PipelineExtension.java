package dev.agentmeter.cli.it;

import dev.agentmeter.cli.up.LocalPipeline;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.PostgresExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
