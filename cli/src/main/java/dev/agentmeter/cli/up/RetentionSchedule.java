package dev.agentmeter.cli.up;

import dev.agentmeter.analytics.archive.Archiver;
import dev.agentmeter.model.Usd;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code up --retention 90d}: archives whole months older than the retention once a minute after
 * start and then every 24 hours ({@link Archiver}), into {@code <data-dir>/archive}. A failed run
 * drops nothing and is logged; the next one tries again.
 */
final class RetentionSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentmeter-retention");
        t.setDaemon(true);
        return t;
    });
    /** The runs scheduled; null when there is nothing to run. */
    private ScheduledFuture<?> runs;

    /** @param retention a valid {@link Archiver#horizon} amount: {@code up} checks it before starting anything */
    RetentionSchedule(String pgUrl, String retention, Path dir, PrintWriter out) {
        Archiver archiver = new Archiver("agent_usage", dir, Clock.systemUTC());
        runs = scheduler.scheduleWithFixedDelay(
                () -> {
                    try (Connection c = DriverManager.getConnection(pgUrl)) {
                        for (Archiver.Outcome o :
                                archiver.archive(c, Archiver.horizon(Instant.now(), retention), false)) {
                            String line = "retention: archived " + o.partition().month() + " (" + o.rows() + " rows, "
                                    + Usd.human(o.sumTotalCostUsd()) + ") to " + o.file();
                            log.info(line);
                            synchronized (out) {
                                out.println(line);
                                out.flush();
                            }
                        }
                    } catch (Exception e) {
                        log.warn(
                                "retention run failed (nothing was dropped that is not archived); next try in 24 h", e);
                    }
                },
                1,
                TimeUnit.DAYS.toMinutes(1),
                TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        if (runs != null) {
            runs.cancel(true);
        }
        scheduler.shutdownNow();
    }
}
