package dev.agentmeter.notifier;

import dev.agentmeter.support.PartSettings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the notifier alone: {@code java -cp … dev.agentmeter.notifier.NotifierMain [notifier.properties]}
 * (the CLI's {@code agentmeter notify} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class NotifierMain {

    private NotifierMain() {}

    public static void main(String[] args) throws Exception {
        NotifierConfig config;
        try {
            config = NotifierConfig.of(PartSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("agentmeter notifier: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        NotifierApp app = new NotifierApp(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "agentmeter-notifier-shutdown"));
        System.out.println("agentmeter notifier running; /health and /metrics on port " + app.port());
        stopped.await();
    }
}
