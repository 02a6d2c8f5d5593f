package dev.agentmeter.notifier;

import dev.agentmeter.http.PartMain;

/**
 * Runs the notifier alone: {@code java -cp … dev.agentmeter.notifier.NotifierMain [notifier.properties]}
 * (the CLI's {@code agentmeter notify} does the same). Settings come from the file, then from
 * environment variables {@code AGENTMETER_<KEY>} (dots as underscores), which win.
 */
public final class NotifierMain {

    private NotifierMain() {}

    public static void main(String[] args) throws Exception {
        PartMain.run("notifier", args, NotifierConfig::of, NotifierApp::new, app -> {
            app.start();
            System.out.println("agentmeter notifier running; /health and /metrics on port " + app.port());
            return app;
        });
    }
}
