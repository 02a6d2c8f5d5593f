package dev.agentmeter.collector;

import dev.agentmeter.http.PartMain;

/**
 * Runs the collector alone: {@code java -cp … dev.agentmeter.collector.CollectorMain [collector.properties]}
 * (the CLI's {@code agentmeter collector} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class CollectorMain {

    private CollectorMain() {}

    public static void main(String[] args) throws Exception {
        PartMain.run("collector", args, CollectorConfig::of, CollectorApp::new, app -> {
            app.start();
            System.out.println("agentmeter collector listening on port " + app.port());
            return app;
        });
    }
}
