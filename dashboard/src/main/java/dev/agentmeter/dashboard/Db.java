package dev.agentmeter.dashboard;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Read-only connections to the sink's database. Read-only twice: the configured user should be a
 * member of {@code agentmeter_analyst} (SELECT only), and every connection is read-only besides
 * ({@code readOnly} with pgjdbc's {@code readOnlyMode=always}: even an autocommit statement runs
 * in a read-only transaction), so a dashboard given a writer's credentials by mistake still cannot write.
 */
public final class Db implements AutoCloseable {

    private final HikariDataSource pool;

    public Db(DashboardConfig config) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("agentmeter-dashboard");
        h.setJdbcUrl(config.pgUrl());
        if (config.pgUser() != null) {
            h.setUsername(config.pgUser());
        }
        if (config.pgPassword() != null) {
            h.setPassword(config.pgPassword());
        }
        h.setReadOnly(true);
        h.addDataSourceProperty("readOnlyMode", "always");
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(1);
        // The pool starts without the database (a dashboard may start first); pages say when it is away.
        h.setInitializationFailTimeout(-1);
        h.setConnectionTimeout(5_000);
        h.setConnectionInitSql(
                "SET statement_timeout = " + config.statementTimeout().toMillis());
        pool = new HikariDataSource(h);
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }
}
