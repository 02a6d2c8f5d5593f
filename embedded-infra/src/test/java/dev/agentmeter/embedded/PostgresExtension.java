package dev.agentmeter.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a real PostgreSQL: an embedded PostgreSQL 17 by default,
 * or the server named by {@value #ENV} (a JDBC URL with credentials). Register it as a static field.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String ENV = "AGENTMETER_TEST_PG_URL";

    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");

    private LocalPostgres embedded;
    private String external;

    @Override
    public void beforeAll(ExtensionContext context) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            external = env.trim();
        } else {
            embedded = LocalPostgres.temporary().start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    public String jdbcUrl() {
        return external != null ? external : embedded.jdbcUrl();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /**
     * Creates a fresh database on the server and returns its JDBC URL (same host, credentials and
     * parameters), so tests that migrate a schema do not see each other's tables.
     */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a plain identifier: " + name);
        }
        try (Connection c = connect();
                Statement statement = c.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        Matcher url = JDBC_URL.matcher(jdbcUrl());
        if (!url.matches()) {
            throw new IllegalStateException("cannot derive a database URL from " + jdbcUrl());
        }
        return url.group(1) + name + url.group(3);
    }

    /**
     * Polls {@code sql} (a single count) until it reaches {@code expected}; rows written by
     * asynchronous pipelines land when they land. Fails with the last value after the timeout.
     */
    public static void awaitCount(String url, String sql, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                long n = rs.getLong(1);
                last = Long.toString(n);
                if (n >= expected) {
                    return;
                }
            } catch (SQLException e) {
                last = e.getMessage(); // server restarting, or the table not created yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(sql + " did not reach " + expected + " within " + timeout + "; last: " + last);
    }

    /** The first column of the first row of {@code sql}, as text (null for SQL NULL). */
    public static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Stops the server (data kept). Skips the calling test when the server is external. */
    public void stopServer() {
        serverUnderOurControl().stop();
    }

    public void startServer() {
        serverUnderOurControl().start();
    }

    private LocalPostgres serverUnderOurControl() {
        Assumptions.assumeTrue(embedded != null, "stopping PostgreSQL needs the embedded server, not " + ENV);
        return embedded;
    }
}
