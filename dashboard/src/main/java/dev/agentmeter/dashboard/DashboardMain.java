package dev.agentmeter.dashboard;

import dev.agentmeter.support.PartSettings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the dashboard alone: {@code java -cp … dev.agentmeter.dashboard.DashboardMain [dashboard.properties]}
 * (the CLI's {@code agentmeter dashboard} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class DashboardMain {

    private DashboardMain() {}

    public static void main(String[] args) throws Exception {
        DashboardConfig config;
        try {
            config = DashboardConfig.of(PartSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("agentmeter dashboard: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        DashboardApp app = new DashboardApp(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "agentmeter-dashboard-shutdown"));
        System.out.println("agentmeter dashboard on port " + app.port());
        stopped.await();
    }
}
