package dev.agentmeter.cli.books;

import dev.agentmeter.analytics.archive.Archiver;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.model.Usd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentmeter archive}: whole monthly partitions older than the horizon go to verified
 * {@code .csv.gz} files with a manifest, and are dropped only then ({@link Archiver}).
 */
@Command(
        name = "archive",
        mixinStandardHelpOptions = true,
        description = {
            "Export whole months of usage older than --older-than to verified, compressed files,",
            "then drop those partitions. 'archive list' shows archives and partitions; 'archive restore FILE' loads one back."
        },
        subcommands = {ArchiveCommand.ListArchives.class, ArchiveCommand.Restore.class})
public final class ArchiveCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--older-than",
            defaultValue = "90d",
            paramLabel = "Nd|Nw|Nm",
            description = "Archive months that ended this long ago (default ${DEFAULT-VALUE}).")
    String olderThan;

    @Option(names = "--dry-run", description = "Show what would be archived; change nothing.")
    boolean dryRun;

    @Mixin
    Where where;

    /** Options every archive command takes. */
    static final class Where {
        @Option(
                names = "--dir",
                defaultValue = "${env:AGENTMETER_ARCHIVE_DIR:-agentmeter-archive}",
                paramLabel = "DIR",
                description = "Where archives are kept (default ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--table", defaultValue = "agent_usage", hidden = true)
        String table;

        Archiver archiver() {
            return new Archiver(table, dir, Clock.systemUTC());
        }
    }

    @Override
    public void run() {
        Instant horizon;
        try {
            horizon = Archiver.horizon(Instant.now(), olderThan);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            List<Archiver.Outcome> done = where.archiver().archive(c, horizon, dryRun);
            if (done.isEmpty()) {
                out.printf("Nothing to archive: no whole month of %s ended before %s.%n", where.table, horizon);
            }
            for (Archiver.Outcome o : done) {
                out.printf(
                        "%s %s: %,d rows, %s → %s%s%n",
                        dryRun ? "would archive" : "archived",
                        o.partition().month(),
                        o.rows(),
                        Usd.human(o.sumTotalCostUsd()),
                        o.file(),
                        dryRun ? "" : " (partition dropped)");
            }
            out.flush();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("archive failed: " + e.getMessage(), e);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Archives on disk and monthly partitions in the database.")
    static final class ListArchives implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
                out.printf("%-24s %-16s %12s %16s%n", "PARTITION", "STATE", "ROWS", "ARCHIVED COST");
                for (Archiver.Entry e : where.archiver().list(c)) {
                    String state =
                            e.archive() == null ? "in database" : e.inDatabase() ? "archived + in db" : "archived";
                    long rows =
                            e.inDatabase() ? e.rowsInDatabase() : e.archive().rowCount();
                    out.printf(
                            "%-24s %-16s %,12d %16s%n",
                            e.partition(),
                            state,
                            rows,
                            e.archive() == null ? "" : Usd.human(e.archive().sumTotalCostUsd()));
                }
                out.flush();
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("archive list failed: " + e.getMessage(), e);
            }
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = "Load an archive back into its partition (idempotent: rows already there are skipped).")
    static final class Restore implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The .csv.gz or its .manifest.json.")
        Path file;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
                Archiver.Restored r = where.archiver().restore(c, file);
                out.printf(
                        "restored %s: %,d rows inserted, %,d already present (%,d rows, %s in the archive)%n",
                        r.partition(), r.inserted(), r.alreadyPresent(), r.rowCount(), Usd.human(r.sumTotalCostUsd()));
                out.flush();
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("restore failed: " + e.getMessage(), e);
            }
        }
    }
}
