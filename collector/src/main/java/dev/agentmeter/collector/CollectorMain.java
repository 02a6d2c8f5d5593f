package dev.agentmeter.collector;

import dev.agentmeter.support.PartSettings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the collector alone: {@code java -cp … dev.agentmeter.collector.CollectorMain [collector.properties]}
 * (the CLI's {@code agentmeter collector} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class CollectorMain {

    private CollectorMain() {}

    public static void main(String[] args) throws Exception {
        CollectorConfig config;
        try {
            config = CollectorConfig.of(PartSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("agentmeter collector: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CollectorApp app = new CollectorApp(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "agentmeter-collector-shutdown"));
        System.out.println("agentmeter collector listening on port " + app.port());
        stopped.await();
    }
}
