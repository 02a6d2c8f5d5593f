package dev.agentmeter.cli.up;

import dev.agentmeter.analytics.reconcile.BillFetcher;
import dev.agentmeter.analytics.reconcile.BillSource;
import dev.agentmeter.analytics.reconcile.Reconciler;
import dev.agentmeter.analytics.reconcile.ReconciliationRuns;
import dev.agentmeter.cli.books.ReconcileCommand;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Usd;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code up --reconcile-every 24h}: fetches each provider's bill whose admin key is in the
 * environment ({@code OPENAI_ADMIN_KEY}, {@code ANTHROPIC_ADMIN_KEY}) for the last
 * {@value #DAYS} whole UTC days, reconciles it with the local ledger as {@code reconcile} does,
 * and records the run ({@link ReconciliationRuns}); the dashboard exports the latest as metrics. A
 * run that fails records nothing, says why, and the next one tries again.
 */
final class ReconcileSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileSchedule.class);
    static final Duration FIRST_RUN = Duration.ofSeconds(30);
    /** Providers settle a day's costs within about a day: three days re-check what changed late. */
    static final int DAYS = 3;

    static final BigDecimal TOLERANCE_PERCENT = BigDecimal.ONE;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentmeter-reconcile");
        t.setDaemon(true);
        return t;
    });
    /** The runs scheduled; null when there is nothing to run. */
    private ScheduledFuture<?> runs;

    /** @param keys the admin key of each source to fetch; none: a schedule that only says so */
    ReconcileSchedule(String pgUrl, Duration every, Map<BillSource, String> keys, PrintWriter out) {
        if (keys.isEmpty()) {
            say(
                    out,
                    "reconcile: --reconcile-every needs OPENAI_ADMIN_KEY or ANTHROPIC_ADMIN_KEY in the environment;"
                            + " no bill to fetch");
            return;
        }
        runs = scheduler.scheduleWithFixedDelay(
                () -> keys.forEach((bill, key) ->
                        runOnce(pgUrl, bill, ReconcileCommand.apiBase(bill), key, LocalDate.now(ZoneOffset.UTC), out)),
                FIRST_RUN.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The admin keys set in {@code env}, by source. */
    static Map<BillSource, String> keysFrom(Map<String, String> env) {
        Map<BillSource, String> keys = new LinkedHashMap<>();
        for (BillSource bill : new BillSource[] {BillSource.OPENAI_COSTS, BillSource.ANTHROPIC_COST_REPORT}) {
            String key = env.get(ReconcileCommand.adminKeyVariable(bill));
            if (key != null && !key.isBlank()) {
                keys.put(bill, key);
            }
        }
        return keys;
    }

    /** One source's run over the {@value #DAYS} days before {@code today}; returns the line it printed. */
    static String runOnce(String pgUrl, BillSource bill, String apiBase, String key, LocalDate today, PrintWriter out) {
        LocalDate from = today.minusDays(DAYS);
        LocalDate to = today.minusDays(1);
        String line;
        try (Connection c = DriverManager.getConnection(pgUrl)) {
            Reconciler.Result r = ReconcileCommand.reconcile(
                    c,
                    "agent_usage",
                    bill,
                    BillFetcher.items(bill, new BillFetcher(apiBase, key, Duration.ofSeconds(1)).fetch(bill, from, to)),
                    from,
                    to,
                    TOLERANCE_PERCENT,
                    null);
            ReconciliationRuns.record(c, ReconciliationRuns.Run.of(bill, r, Instant.now()));
            line = "reconcile: " + bill.id() + " " + from + " … " + to + ": billed " + Usd.human(r.billedUsd())
                    + ", tracked " + Usd.human(r.trackedUsd()) + ", capture rate "
                    + (r.captureRatePercent() == null ? "– (nothing billed)" : Percent.human(r.captureRatePercent()))
                    + ", " + r.discrepancies().size() + " discrepancies (recorded)";
            log.info(line);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            line = "reconcile: " + bill.id() + " failed, nothing recorded: " + e.getMessage();
            log.warn(line);
        }
        say(out, line);
        return line;
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        if (runs != null) {
            runs.cancel(true);
        }
        scheduler.shutdownNow();
    }
}
