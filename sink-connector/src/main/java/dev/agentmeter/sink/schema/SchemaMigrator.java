package dev.agentmeter.sink.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Owns the database schema: Flyway migrations under {@code db/agentmeter} (tables, indexes,
 * views, analyst role) and the monthly partitions of the usage table.
 */
public final class SchemaMigrator {

    /** Flyway's history table; not Flyway's default name, so an analytics database that already uses Flyway is left alone. */
    public static final String HISTORY_TABLE = "agentmeter_schema_history";

    private final String usageTable;
    private final String alertsTable;
    /** Months whose partition is known to exist (committed). */
    private final Set<YearMonth> ensured = ConcurrentHashMap.newKeySet();
    /** Months ensured in the caller's open transaction; they count once it commits. */
    private final Set<YearMonth> pending = ConcurrentHashMap.newKeySet();

    public SchemaMigrator(String usageTable, String alertsTable) {
        this.usageTable = usageTable;
        this.alertsTable = alertsTable;
    }

    /** Applies pending migrations; returns how many ran. Concurrent callers wait on Flyway's lock. */
    public int migrate(String url, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        return migrate(dataSource);
    }

    int migrate(DataSource dataSource) {
        // The plugin's own class loader: inside a Connect worker the context loader may not see our resources.
        MigrateResult result = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/agentmeter")
                .table(HISTORY_TABLE)
                .placeholders(Map.of("usage_table", usageTable, "alerts_table", alertsTable))
                .baselineOnMigrate(false)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /** Makes sure the partitions from {@code from}'s month up to {@code monthsAhead} later exist. */
    public void ensurePartitions(Connection connection, Instant from, int monthsAhead) throws SQLException {
        YearMonth first = YearMonth.from(from.atOffset(ZoneOffset.UTC));
        for (int i = 0; i <= monthsAhead; i++) {
            ensurePartition(connection, first.plusMonths(i));
        }
    }

    /**
     * Makes sure the partition for {@code month} exists. Runs in the caller's transaction; a month
     * already seen by this instance costs nothing.
     */
    public void ensurePartition(Connection connection, YearMonth month) throws SQLException {
        if (ensured.contains(month)) {
            return;
        }
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT " + usageTable + "_ensure_partition(?)")) {
            statement.setTimestamp(
                    1, Timestamp.from(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            statement.execute();
        }
        pending.add(month);
    }

    /** The caller's transaction committed: the partitions it created exist for good. */
    public void markCommitted() {
        ensured.addAll(pending);
        pending.clear();
    }

    /** The caller's transaction rolled back: partitions it created are gone again. */
    public void markRolledBack() {
        pending.clear();
    }
}
