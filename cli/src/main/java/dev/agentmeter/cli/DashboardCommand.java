package dev.agentmeter.cli;

import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the dashboard in this process until Ctrl-C, against a deployment (what its container runs). */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {
            "Run the web dashboard against a deployment: spend, budgets, sessions, what-if and a live",
            "alert feed. Read-only: give --pg-url a member of agentmeter_analyst."
        })
public final class DashboardCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    Endpoints endpoints;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "HTTP port (default " + DashboardConfig.DEFAULT_PORT + ").")
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
        settings.putIfAbsent(DashboardConfig.PG_URL, endpoints.pgUrl);
        settings.putIfAbsent(DashboardConfig.PROCESSOR_URL, endpoints.processor);
        settings.putIfAbsent(DashboardConfig.BOOTSTRAP_SERVERS, endpoints.kafka);
        if (endpoints.token != null) {
            settings.putIfAbsent(DashboardConfig.PROCESSOR_TOKEN, endpoints.token);
        }
        part.withSet(settings);
        if (port != null) {
            settings.put(DashboardConfig.HTTP_PORT, port.toString());
        }
        if (bind != null) {
            settings.put(DashboardConfig.HTTP_BIND_ADDRESS, bind);
        }
        DashboardConfig dashboardConfig = part.config(spec, settings, DashboardConfig::of);
        try (DashboardApp app = new DashboardApp(dashboardConfig).start()) {
            PartOptions.awaitStop(
                    spec.commandLine().getOut(),
                    String.format(
                            "agentmeter dashboard on http://%s:%d/ (%s); Ctrl-C stops",
                            dashboardConfig.httpAccess().bindAddress(), app.port(), dashboardConfig.httpAccess()),
                    "dashboard");
        }
    }
}
