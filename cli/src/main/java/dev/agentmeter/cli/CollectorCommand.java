package dev.agentmeter.cli;

import dev.agentmeter.collector.CollectorApp;
import dev.agentmeter.collector.CollectorConfig;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the collector in this process until Ctrl-C: what a deployment's collector container runs. */
@Command(
        name = "collector",
        mixinStandardHelpOptions = true,
        description = {
            "Run the HTTP and OpenTelemetry ingest service: POST /v1/events (JSON array or NDJSON of",
            "UsageEvents) and POST /v1/traces (OTLP/HTTP GenAI spans), in front of the producer client."
        })
public final class CollectorCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:AGENTMETER_KAFKA:-" + Endpoints.LOCAL_KAFKA + "}",
            description = "Kafka bootstrap servers (env AGENTMETER_KAFKA; default ${DEFAULT-VALUE}).")
    String kafka;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 4318, OTLP/HTTP's).")
    Integer port;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "Address to bind (default 127.0.0.1; another needs a"
                    + " token: http.auth.token.file, or http.auth=none).")
    String bind;

    @Mixin
    PartOptions part;

    @Override
    public void run() {
        Map<String, String> settings = part.fileAndEnvironment(spec);
        settings.put(CollectorConfig.BOOTSTRAP_SERVERS, kafka);
        part.withSet(settings);
        if (port != null) {
            settings.put(CollectorConfig.HTTP_PORT, port.toString());
        }
        if (bind != null) {
            settings.put(CollectorConfig.HTTP_BIND_ADDRESS, bind);
        }
        CollectorConfig collectorConfig = part.config(spec, settings, CollectorConfig::of);
        try (CollectorApp app = new CollectorApp(collectorConfig).start()) {
            PartOptions.awaitStop(
                    spec.commandLine().getOut(),
                    String.format(
                            "agentmeter collector on http://%s:%d (POST /v1/events, OTLP/HTTP /v1/traces) -> %s at %s; Ctrl-C stops",
                            collectorConfig.httpAccess().bindAddress(), app.port(), collectorConfig.rawTopic(), kafka),
                    "collector");
        }
    }
}
