package dev.agentmeter.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the collector alone: {@code java -cp … dev.agentmeter.collector.CollectorMain [collector.properties]}
 * (the CLI's {@code agentmeter collector} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(String[] args) throws Exception {
        CollectorConfig config;
        try {
            config = CollectorConfig.of(settings(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("agentmeter collector: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CollectorApp app = new CollectorApp(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "agentmeter-collector-shutdown"));
        System.out.println("agentmeter collector listening on port " + app.port());
        stopped.await();
    }

    static Map<String, String> settings(Path file, Map<String, String> env) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("AGENTMETER_")) {
                out.put(k.substring("AGENTMETER_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return out;
    }
}
