package dev.agentmeter.processor;

import dev.agentmeter.http.PartMain;
import java.time.Duration;

/**
 * Runs one processor instance against any Kafka cluster:
 * {@code java -jar stream-processor.jar [processor.properties]}. Settings come from the file, then
 * from environment variables {@code AGENTMETER_<KEY>} (dots as underscores, e.g.
 * {@code AGENTMETER_BOOTSTRAP_SERVERS}), which win.
 */
public final class ProcessorMain {

    private ProcessorMain() {}

    public static void main(String[] args) throws Exception {
        PartMain.run(
                "processor",
                args,
                ProcessorConfig::of,
                config -> {
                    ProcessorApp app = new ProcessorApp(config);
                    app.prepare(config.topicPartitions(), config.topicReplication());
                    return app;
                },
                app -> {
                    app.start();
                    if (app.awaitRunning(Duration.ofMinutes(2))) {
                        System.out.println(
                                "agentmeter processor RUNNING; queries and metrics on port " + app.httpPort());
                    }
                    return app;
                });
    }
}
