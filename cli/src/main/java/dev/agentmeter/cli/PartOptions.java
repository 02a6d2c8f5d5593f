package dev.agentmeter.cli;

import dev.agentmeter.support.PartSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The settings options of a command that runs a part (collector, dashboard, notifier), read the one
 * way every part reads them: the {@code --config} file, then the environment's
 * {@code AGENTMETER_<KEY>} (dots as underscores), then what the command adds, then {@code --set}.
 */
public final class PartOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "A properties file of the part's config keys (its"
                            + " README lists them); environment variables AGENTMETER_<KEY> (dots as underscores) win over it, --set over both.")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "One config key of the part (repeatable), e.g." + " --set http.auth.token.file=/run/secrets/token")
    Map<String, String> set = new HashMap<>();

    /** The file's settings and the environment's, which win; fails as a usage error when the file cannot be read. */
    public Map<String, String> fileAndEnvironment(CommandSpec spec) {
        try {
            return new HashMap<>(PartSettings.load(config, System.getenv()));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--config: cannot read " + config + ": " + e.getMessage());
        }
    }

    /** {@code settings} with the {@code --set} keys over them. */
    public Map<String, String> withSet(Map<String, String> settings) {
        settings.putAll(set);
        return settings;
    }

    /** The part's config built from {@code settings}; a bad value is a usage error naming its key. */
    public <C> C config(CommandSpec spec, Map<String, String> settings, Function<Map<String, String>, C> of) {
        try {
            return of.apply(settings);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage());
        }
    }

    /** Prints {@code line} and waits until the JVM is asked to stop (Ctrl-C, SIGTERM); the caller then closes the part. */
    public static void awaitStop(PrintWriter out, String line, String part) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "agentmeter-" + part + "-shutdown"));
        out.println(line);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
