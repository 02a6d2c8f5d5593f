package dev.agentmeter.http;

import dev.agentmeter.support.PartSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * What every part's {@code main} does: read its settings (the properties file its first argument
 * names, then the {@code AGENTMETER_*} variables over them), exit with status 2 and one line on a
 * bad one, make the part, close it on shutdown, start it, and wait.
 */
public final class PartMain {

    /** A step that may fail as a part's start may (an exception ends {@code main}). */
    @FunctionalInterface
    public interface Step<T, R> {
        R apply(T t) throws Exception;
    }

    private PartMain() {}

    /**
     * The part's config from the file {@code args[0]} names (if any) and {@code env} over it; empty,
     * after one line on {@code err}, when the settings are bad.
     */
    static <C> Optional<C> config(
            String part,
            String[] args,
            Map<String, String> env,
            Function<Map<String, String>, C> parse,
            PrintStream err)
            throws IOException {
        try {
            return Optional.of(parse.apply(PartSettings.load(args.length > 0 ? Path.of(args[0]) : null, env)));
        } catch (ConfigException e) {
            err.println("agentmeter " + part + ": bad configuration: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Runs a part until the JVM shuts down.
     *
     * @param part the part's name, as its messages and its shutdown thread say it
     * @param parse the part's config class, from the settings
     * @param make the part, not yet started: it is closed on shutdown from here on
     * @param start starts it (and says where it listens)
     */
    public static <C, A extends AutoCloseable> void run(
            String part, String[] args, Function<Map<String, String>, C> parse, Step<C, A> make, Step<A, ?> start)
            throws Exception {
        Optional<C> config = config(part, args, System.getenv(), parse, System.err);
        if (config.isEmpty()) {
            System.exit(2);
            return;
        }
        A app = make.apply(config.get());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                app.close();
                            } catch (Exception e) {
                                System.err.println("agentmeter " + part + ": close failed: " + e);
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "agentmeter-" + part + "-shutdown"));
        start.apply(app);
        stopped.await();
    }
}
