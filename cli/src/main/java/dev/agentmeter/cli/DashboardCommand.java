package dev.agentmeter.cli;

import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import java.io.PrintWriter;
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
    @Mixin
    PartOptions part;

    private final CountDownLatch stopped = new CountDownLatch(1);

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
