package dev.agentmeter.cli;

import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.model.PartSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the dashboard in this process until Ctrl-C, against a deployment (what its container runs). */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Run the web dashboard against a deployment: spend, budgets, sessions, what-if and a live",
                "alert feed. Read-only: give --pg-url a member of agentmeter_analyst."})
public final class DashboardCommand implements Runnable {

    @Spec
    CommandSpec spec;
    @Mixin
    Endpoints endpoints;
    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default " + DashboardConfig.DEFAULT_PORT + ").")
    Integer port;
    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to bind (default 127.0.0.1; another needs a"
            + " token: http.auth.token.file, or http.auth=none).")
    String bind;
    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of DashboardConfig keys; environment variables AGENTMETER_<KEY> (dots as underscores) win over it, --set over both.")
    Path config;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One DashboardConfig key (repeatable), e.g."
            + " --set http.auth.token.file=/run/secrets/dashboard-token")
    Map<String, String> set = new HashMap<>();

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void run() {
        Map<String, String> settings;
        try {
            settings = new HashMap<>(PartSettings.load(config, System.getenv()));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--config: cannot read " + config + ": " + e.getMessage());
        }
        settings.putIfAbsent(DashboardConfig.PG_URL, endpoints.pgUrl);
        settings.putIfAbsent(DashboardConfig.PROCESSOR_URL, endpoints.processor);
        settings.putIfAbsent(DashboardConfig.BOOTSTRAP_SERVERS, endpoints.kafka);
        if (endpoints.token != null) {
            settings.putIfAbsent(DashboardConfig.PROCESSOR_TOKEN, endpoints.token);
        }
        settings.putAll(set);
        if (port != null) {
            settings.put(DashboardConfig.HTTP_PORT, port.toString());
        }
        if (bind != null) {
            settings.put(DashboardConfig.HTTP_BIND_ADDRESS, bind);
        }
        DashboardConfig dashboardConfig;
        try {
            dashboardConfig = DashboardConfig.of(settings);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (DashboardApp app = new DashboardApp(dashboardConfig).start()) {
            Thread hook = new Thread(stopped::countDown, "agentmeter-dashboard-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("agentmeter dashboard on http://%s:%d/ (%s); Ctrl-C stops%n",
                    dashboardConfig.httpAccess().bindAddress(), app.port(), dashboardConfig.httpAccess());
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
