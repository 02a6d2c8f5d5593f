package dev.agentmeter.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
