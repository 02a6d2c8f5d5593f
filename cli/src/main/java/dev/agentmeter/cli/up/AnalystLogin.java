package dev.agentmeter.cli.up;

import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.sink.schema.SchemaMigrator;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/**
 * The login the local dashboard reads with: {@code agentmeter_dashboard}, a member of the sink's
 * read-only {@code agentmeter_analyst} role, with a fresh random password on every {@code up}.
 * A database user that may not create roles (an external PostgreSQL) keeps its own login, said
 * in the start-up lines; the dashboard's connections are read-only either way.
 */
final class AnalystLogin {

    static final String ROLE = "agentmeter_dashboard";

    private AnalystLogin() {}

    /** The dashboard's database settings ({@code pg.url}, {@code pg.user}, {@code pg.password}). */
    static Map<String, String> ensure(String ownerUrl, PrintWriter out) {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        // The sink task migrates when it starts, which may be after its connector reports RUNNING:
        // migrating here too (Flyway serialises the two) makes sure the analyst role exists.
        new SchemaMigrator("agent_usage", "budget_alerts").migrate(ownerUrl, null, null);
        try (Connection c = DriverManager.getConnection(ownerUrl);
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
                    + " CREATE ROLE " + ROLE + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + ROLE + " LOGIN PASSWORD '" + password + "'");
            s.execute("GRANT agentmeter_analyst TO " + ROLE);
            return Map.of(
                    DashboardConfig.PG_URL,
                    withoutCredentials(ownerUrl),
                    DashboardConfig.PG_USER,
                    ROLE,
                    DashboardConfig.PG_PASSWORD,
                    password);
        } catch (SQLException e) {
            out.println("  ! the dashboard reads as the pipeline's own database user (read-only connections):"
                    + " cannot create the " + ROLE + " login: " + e.getMessage());
            out.flush();
            return Map.of(DashboardConfig.PG_URL, ownerUrl);
        }
    }

    /** The URL without user and password parameters, which pgjdbc would prefer over the ones given apart. */
    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String p : url.substring(q + 1).split("&", -1)) {
            if (p.startsWith("user=") || p.startsWith("password=") || p.isEmpty()) {
                continue;
            }
            kept.append(kept.isEmpty() ? "?" : "&").append(p);
        }
        return url.substring(0, q) + kept;
    }
}
