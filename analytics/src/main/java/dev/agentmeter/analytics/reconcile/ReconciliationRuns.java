package dev.agentmeter.analytics.reconcile;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code reconciliation_runs} table (the sink's migration V13): a recorded reconcile's totals,
 * written by {@code reconcile --record} and the scheduled reconcile, read by the dashboard, which
 * exports the latest run of each source as metrics for the capture-rate alert.
 */
public final class ReconciliationRuns {

    public static final String TABLE = "reconciliation_runs";

    /** One recorded run. {@code captureRatePercent} is null when nothing was billed. */
    public record Run(
            String source,
            LocalDate from,
            LocalDate to,
            BigDecimal billedUsd,
            BigDecimal trackedUsd,
            BigDecimal captureRatePercent,
            BigDecimal tolerancePercent,
            int discrepancies,
            Instant ranAt) {

        public static Run of(BillSource source, Reconciler.Result r, Instant ranAt) {
            return new Run(
                    source.id(),
                    r.from(),
                    r.to(),
                    r.billedUsd(),
                    r.trackedUsd(),
                    r.captureRatePercent(),
                    r.tolerancePercent(),
                    r.discrepancies().size(),
                    ranAt);
        }
    }

    private ReconciliationRuns() {}

    /** Appends {@code run}; the caller's connection needs INSERT on the table (the sink's owner, not the analyst). */
    public static void record(Connection c, Run run) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (source, from_day, to_day, billed_usd,"
                + " tracked_usd, capture_rate_percent, tolerance_percent, discrepancies, ran_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, run.source());
            s.setDate(2, Date.valueOf(run.from()));
            s.setDate(3, Date.valueOf(run.to()));
            s.setBigDecimal(4, run.billedUsd());
            s.setBigDecimal(5, run.trackedUsd());
            s.setBigDecimal(6, run.captureRatePercent());
            s.setBigDecimal(7, run.tolerancePercent());
            s.setInt(8, run.discrepancies());
            s.setTimestamp(9, Timestamp.from(run.ranAt()));
            s.executeUpdate();
        }
    }

    /** The latest run of each source, by source. */
    public static List<Run> latest(Connection c) throws SQLException {
        List<Run> runs = new ArrayList<>();
        try (PreparedStatement s =
                        c.prepareStatement("SELECT DISTINCT ON (source) source, from_day, to_day, billed_usd,"
                                + " tracked_usd, capture_rate_percent, tolerance_percent, discrepancies, ran_at FROM "
                                + TABLE
                                + " ORDER BY source, ran_at DESC, run_id DESC");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                runs.add(new Run(
                        r.getString(1),
                        r.getDate(2).toLocalDate(),
                        r.getDate(3).toLocalDate(),
                        r.getBigDecimal(4),
                        r.getBigDecimal(5),
                        r.getBigDecimal(6),
                        r.getBigDecimal(7),
                        r.getInt(8),
                        r.getTimestamp(9).toInstant()));
            }
        }
        return runs;
    }
}
