package dev.agentmeter.cli;

import dev.agentmeter.notifier.NotifierApp;
import dev.agentmeter.notifier.NotifierConfig;
import dev.agentmeter.notifier.Replay;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the notifier until Ctrl-C (what the notifier Deployment runs), or replays its dead letters. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = {
            "Deliver budget alerts to Prometheus Alertmanager and webhooks: a consumer group on",
            "agentmeter.budget-alerts that commits only what was delivered or dead-lettered."
        },
        subcommands = NotifyCommand.ReplayCommand.class)
public final class NotifyCommand implements Runnable {

    /** The options both the notifier and its replay take. */
    static final class Settings {
        @Option(
                names = "--kafka",
                paramLabel = "HOST:PORT",
                defaultValue = "${env:AGENTMETER_KAFKA:-" + Endpoints.LOCAL_KAFKA + "}",
                description = "Kafka bootstrap servers (env AGENTMETER_KAFKA; default ${DEFAULT-VALUE}).")
        String kafka;

        @Option(
                names = "--alertmanager",
                paramLabel = "URL",
                description = "An Alertmanager base URL (repeatable: each instance of a pair).")
        List<String> alertmanagers = new ArrayList<>();

        @Option(
                names = "--webhook",
                paramLabel = "SCOPE=FORMAT:URL",
                description =
                        "A webhook rule (repeatable), FORMAT slack or json: team:support=slack:https://hooks.slack.com/…, *=json:https://…")
        List<String> webhooks = new ArrayList<>();

        @Mixin
        PartOptions part;

        NotifierConfig resolve(CommandSpec spec, Map<String, String> extra) {
            Map<String, String> s = part.fileAndEnvironment(spec);
            s.put(NotifierConfig.BOOTSTRAP_SERVERS, kafka);
            if (!alertmanagers.isEmpty()) {
                s.put(NotifierConfig.ALERTMANAGER_URLS, String.join(",", alertmanagers));
            }
            if (!webhooks.isEmpty()) {
                s.put(NotifierConfig.WEBHOOK_ROUTES, String.join(",", webhooks));
            }
            part.withSet(s);
            s.putAll(extra);
            try {
                return NotifierConfig.of(s);
            } catch (ConfigException e) {
                throw new ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage());
            }
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    Settings settings;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of /health and /metrics (default 7072).")
    Integer port;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void run() {
        Map<String, String> extra = new HashMap<>();
        if (port != null) {
            extra.put(NotifierConfig.HTTP_PORT, port.toString());
        }
        NotifierConfig config = settings.resolve(spec, extra);
        PrintWriter out = spec.commandLine().getOut();
        try (NotifierApp app = new NotifierApp(config).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "agentmeter-notify-shutdown"));
            out.printf(
                    "agentmeter notify: %s -> %d Alertmanager URL(s), %d webhook rule(s); /health on port %d; Ctrl-C stops%n",
                    config.alertsTopic(),
                    config.alertmanagerUrls().size(),
                    config.routes().size(),
                    app.port());
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description =
                    "Send the dead letters not replayed yet to their targets again (same retries; a failure is a new dead letter).")
    static final class ReplayCommand implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        Settings settings;

        @Option(names = "--dry-run", description = "List them; send nothing.")
        boolean dryRun;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Replay.Result r = Replay.run(settings.resolve(spec, Map.of()), out, dryRun);
                out.printf(
                        "replay: %d delivered, %d failed again, %d without a target here%n",
                        r.delivered(), r.failedAgain(), r.unknownTarget());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
