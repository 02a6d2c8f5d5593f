package dev.agentmeter.cli.up;

import dev.agentmeter.cli.kafka.PriceImporter;
import dev.agentmeter.cli.kafka.SourceDocuments;
import dev.agentmeter.pricing.sources.PriceImport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code up --prices-from FILE|URL}: imports the catalog there shortly after start and then every
 * 24 hours, as {@code prices import} does (new models, changed prices from now on; nothing
 * rewritten). A run that cannot read the source or finds it bad publishes nothing, is logged, and
 * the next run tries again.
 */
final class PriceImportSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PriceImportSchedule.class);
    static final Duration FIRST_RUN = Duration.ofSeconds(10);
    static final Duration EVERY = Duration.ofDays(1);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentmeter-price-import");
        t.setDaemon(true);
        return t;
    });
    /** The runs scheduled; null when there is nothing to run. */
    private ScheduledFuture<?> runs;

    PriceImportSchedule(String bootstrap, String source, PrintWriter out) {
        this(bootstrap, source, out, FIRST_RUN, EVERY);
    }

    PriceImportSchedule(String bootstrap, String source, PrintWriter out, Duration first, Duration every) {
        runs = scheduler.scheduleWithFixedDelay(
                () -> runOnce(bootstrap, source, out), first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One import; returns the line it printed. */
    static String runOnce(String bootstrap, String source, PrintWriter out) {
        String line;
        try {
            StringWriter notes = new StringWriter();
            PriceImporter.Result r = PriceImporter.plan(
                    bootstrap, SourceDocuments.read(source), "auto", Set.of(), Set.of(), false, new PrintWriter(notes));
            int published = PriceImporter.publish(bootstrap, r.plan());
            line = "prices: " + r.format() + " from " + source + ": " + r.plan().count(PriceImport.Kind.NEW) + " new, "
                    + r.plan().count(PriceImport.Kind.CHANGED) + " changed, " + published + " published";
            log.info(line);
        } catch (RuntimeException e) {
            line = "prices: import from " + source + " failed, nothing published (next try in 24 h): " + e.getMessage();
            log.warn(line);
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
        return line;
    }

    @Override
    public void close() {
        if (runs != null) {
            runs.cancel(true);
        }
        scheduler.shutdownNow();
    }
}
