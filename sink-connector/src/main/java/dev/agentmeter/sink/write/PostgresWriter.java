package dev.agentmeter.sink.write;

import dev.agentmeter.sink.schema.SchemaMigrator;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes batches of rows to Postgres, each batch one transaction: COPY into a session-local
 * staging table, then {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} into the real table.
 * COPY keeps the write fast; the conflict clause makes a redelivered row a no-op.
 *
 * <p>Not thread-safe: one writer per sink task. After any failure the connection is dropped and
 * reopened on the next write, so a restarted database is picked up without a task restart.
 */
public final class PostgresWriter implements AutoCloseable {

    private final String url;
    private final Properties connectionProperties;
    private final SchemaMigrator schema;
    private final Set<String> stagingReady = new HashSet<>();
    private Connection connection;

    public PostgresWriter(String url, String user, String password, SchemaMigrator schema) {
        this.url = url;
        this.schema = schema;
        this.connectionProperties = new Properties();
        if (user != null) {
            connectionProperties.setProperty("user", user);
        }
        if (password != null) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("ApplicationName", "agentmeter-sink");
        connectionProperties.setProperty("connectTimeout", "10");
        connectionProperties.setProperty("tcpKeepAlive", "true");
    }

    /**
     * Writes the rows in one transaction and returns how many were new (the rest were already
     * there). On failure nothing of the batch is committed.
     *
     * @param partitionTime for a partitioned table, the instant that selects each row's monthly
     *                      partition (created first when missing); null for an unpartitioned table
     */
    public <T> int write(TableSpec<T> table, List<T> rows, Function<T, Instant> partitionTime) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        Connection c = connection();
        try {
            if (partitionTime != null) {
                for (YearMonth month : months(rows, partitionTime)) {
                    schema.ensurePartition(c, month);
                }
            }
            ensureStaging(c, table);
            copy(c, table, rows);
            int inserted;
            try (Statement statement = c.createStatement()) {
                inserted = statement.executeUpdate("INSERT INTO " + table.table() + " (" + table.columnList() + ") "
                        + "SELECT " + table.columnList() + " FROM " + table.stagingTable()
                        + " ON CONFLICT " + table.conflictTarget() + " DO NOTHING");
                statement.execute("TRUNCATE " + table.stagingTable());
            }
            c.commit();
            schema.markCommitted();
            return inserted;
        } catch (SQLException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Creates the partitions from now's month to {@code monthsAhead} later, in one transaction. */
    public void ensurePartitionsAhead(Instant now, int monthsAhead) throws SQLException {
        Connection c = connection();
        try {
            schema.ensurePartitions(c, now, monthsAhead);
            c.commit();
            schema.markCommitted();
        } catch (SQLException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = DriverManager.getConnection(url, connectionProperties);
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private <T> void ensureStaging(Connection c, TableSpec<T> table) throws SQLException {
        if (stagingReady.contains(table.table())) {
            return;
        }
        try (Statement statement = c.createStatement()) {
            // A temp table lives as long as the connection: created once per connection.
            statement.execute("CREATE TEMP TABLE IF NOT EXISTS " + table.stagingTable() + " (LIKE " + table.table()
                    + " INCLUDING DEFAULTS)");
        }
        stagingReady.add(table.table());
    }

    private static <T> void copy(Connection c, TableSpec<T> table, List<T> rows) throws SQLException {
        StringBuilder csv = new StringBuilder(rows.size() * 512);
        List<Column<T>> columns = table.columns();
        for (T row : rows) {
            int start = csv.length();
            try {
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        csv.append(',');
                    }
                    PgText.appendCsv(csv, columns.get(i).value().apply(row));
                }
            } catch (RuntimeException e) {
                csv.setLength(start);
                // A row that cannot even be written out is bad data, as a row the database refuses: the
                // task isolates it (row by row) and hands it to the dead-letter queue.
                throw new SQLException("a row for " + table.table() + " cannot be written out: " + e, "22000", e);
            }
            csv.append('\n');
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try {
            copy.copyIn(
                    "COPY " + table.stagingTable() + " (" + table.columnList() + ") FROM STDIN (FORMAT csv)",
                    new StringReader(csv.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table.stagingTable() + " failed: " + e.getMessage(), "08006", e);
        }
    }

    private static <T> Set<YearMonth> months(List<T> rows, Function<T, Instant> time) {
        Set<YearMonth> months = new HashSet<>();
        for (T row : rows) {
            Instant instant = time.apply(row);
            if (instant != null) {
                months.add(YearMonth.from(instant.atOffset(ZoneOffset.UTC)));
            }
        }
        return months;
    }

    /** Rolls back and drops the connection: the next write starts on a fresh one. */
    private void abort() {
        schema.markRolledBack();
        close();
    }

    @Override
    public void close() {
        stagingReady.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection; nothing left to save.
            }
            connection = null;
        }
    }
}
