package dev.agentmeter.dashboard;

import dev.agentmeter.http.PartMain;

/**
 * Runs the dashboard alone: {@code java -cp … dev.agentmeter.dashboard.DashboardMain [dashboard.properties]}
 * (the CLI's {@code agentmeter dashboard} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class DashboardMain {

    private DashboardMain() {}

    public static void main(String[] args) throws Exception {
        PartMain.run("dashboard", args, DashboardConfig::of, DashboardApp::new, app -> {
            app.start();
            System.out.println("agentmeter dashboard on port " + app.port());
            return app;
        });
    }
}
