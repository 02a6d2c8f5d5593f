package dev.agentmeter.processor;

import dev.agentmeter.support.PartSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs one processor instance against any Kafka cluster:
 * {@code java -jar stream-processor.jar [processor.properties]}. Settings come from the file, then
 * from environment variables {@code AGENTMETER_<KEY>} (dots as underscores, e.g.
 * {@code AGENTMETER_BOOTSTRAP_SERVERS}), which win.
 */
public final class ProcessorMain {

    private ProcessorMain() {}

    public static void main(String[] args) throws Exception {
        ProcessorConfig config;
        try {
            config = ProcessorConfig.of(PartSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("agentmeter processor: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProcessorApp app = new ProcessorApp(config);
        app.prepare(config.topicPartitions(), config.topicReplication());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "agentmeter-shutdown"));
        app.start();
        if (app.awaitRunning(Duration.ofMinutes(2))) {
            System.out.println("agentmeter processor RUNNING; queries and metrics on port " + app.httpPort());
        }
        stopped.await();
    }
}
