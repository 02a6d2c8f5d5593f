package dev.agentmeter.dashboard;

import dev.agentmeter.analytics.reconcile.ReconciliationRuns;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest recorded reconcile of each bill source ({@link ReconciliationRuns}) as gauges, for
 * the capture-rate alert ({@code deploy/k8s/base/alerts.yaml}): read from the database when
 * {@code /metrics} is scraped, at most once per {@link #REFRESH}. A source appears once it has a
 * run; a database that is away (or a sink older than the table) keeps the last figures.
 */
final class ReconcileMetrics {

    private static final Logger log = LoggerFactory.getLogger(ReconcileMetrics.class);
    static final Duration REFRESH = Duration.ofSeconds(30);

    private final Db db;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, ReconciliationRuns.Run> latest = new ConcurrentHashMap<>();
    private long refreshedAtMs = Long.MIN_VALUE;

    ReconcileMetrics(Db db, MeterRegistry registry, Clock clock) {
        this.db = db;
        this.registry = registry;
        this.clock = clock;
    }

    /** Reads the latest runs unless that was done less than {@link #REFRESH} ago. */
    synchronized void refresh() {
        long now = clock.millis();
        if (refreshedAtMs != Long.MIN_VALUE && now - refreshedAtMs < REFRESH.toMillis()) {
            return;
        }
        refreshedAtMs = now;
        try (Connection c = db.connection()) {
            for (ReconciliationRuns.Run run : ReconciliationRuns.latest(c)) {
                if (latest.put(run.source(), run) == null) {
                    register(run.source());
                }
            }
        } catch (SQLException e) {
            log.debug("reconciliation runs not read; the metrics keep their last figures", e);
        }
    }

    private void register(String source) {
        gauge(
                source,
                "agentmeter.reconcile.capture.rate.percent",
                "Tracked spend as a share of the provider's bill in the latest recorded reconcile (NaN: nothing billed)",
                r -> r.captureRatePercent() == null
                        ? Double.NaN
                        : r.captureRatePercent().doubleValue());
        gauge(
                source,
                "agentmeter.reconcile.billed.usd",
                "What the bill charged over the latest reconcile's days",
                r -> r.billedUsd().doubleValue());
        gauge(
                source,
                "agentmeter.reconcile.tracked.usd",
                "What agentmeter tracked over the latest reconcile's days",
                r -> r.trackedUsd().doubleValue());
        gauge(
                source,
                "agentmeter.reconcile.discrepancies",
                "Day × model items beyond the tolerance or on one side only, in the latest reconcile",
                r -> r.discrepancies());
        gauge(
                source,
                "agentmeter.reconcile.last.run.timestamp.seconds",
                "When the latest reconcile was recorded",
                r -> r.ranAt().getEpochSecond());
    }

    private void gauge(String source, String name, String description, ToDoubleFunction<ReconciliationRuns.Run> value) {
        Gauge.builder(name, latest, runs -> value.applyAsDouble(runs.get(source)))
                .tag("source", source)
                .description(description)
                .register(registry);
    }
}
