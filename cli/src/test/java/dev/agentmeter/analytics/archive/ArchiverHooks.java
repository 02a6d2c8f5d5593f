package dev.agentmeter.analytics.archive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;

/** Test access to {@link Archiver}'s seam between export and drop: a run killed there. */
public final class ArchiverHooks {

    private ArchiverHooks() {}

    public static void archiveInterruptedAfterExport(String pgUrl, Path dir, String olderThan) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl)) {
            new Archiver("agent_usage", dir, Clock.systemUTC(), () -> {
                        throw new IllegalStateException("killed after export, before drop");
                    })
                    .archive(c, Archiver.horizon(Instant.now(), olderThan), false);
        }
    }
}
