package dev.agentmeter.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.sink.Samples;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.AlertRows;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.UsageRows;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema and the write path against a real PostgreSQL 17. */
class PostgresWriterIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    private static final AtomicInteger databases = new AtomicInteger();

    private String url;
    private SchemaMigrator schema;
    private PostgresWriter writer;

    @BeforeEach
    void freshDatabase() throws SQLException {
        url = pg.createDatabase("writer_it_" + databases.incrementAndGet());
        schema = new SchemaMigrator("agent_usage", "budget_alerts");
        assertThat(schema.migrate(url, null, null)).isEqualTo(13);
        writer = new PostgresWriter(url, null, null, schema);
    }

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void migrationsRunOnceAndCreateTablesViewsAndRole() throws SQLException {
        assertThat(new SchemaMigrator("agent_usage", "budget_alerts").migrate(url, null, null))
                .isZero();
        assertThat(strings("SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1"))
                .containsExactly(
                        "cost_by_task_type",
                        "daily_cost_by_agent",
                        "daily_cost_by_model",
                        "daily_cost_by_service_tier",
                        "daily_cost_by_team",
                        "daily_cost_by_user",
                        "price_drift_by_model",
                        "prompts",
                        "session_costs",
                        "unpriced_models");
        assertThat(strings("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'agent_usage'::regclass"))
                .containsExactly("r");
        assertThat(strings("SELECT rolname FROM pg_roles WHERE rolname = 'agentmeter_analyst'"))
                .containsExactly("agentmeter_analyst");
    }

    @Test
    void everyColumnRoundTripsWithExactDecimalsAndNulls() throws SQLException {
        assertThat(writer.write(
                        UsageRows.table("agent_usage"),
                        List.of(Samples.full("evt-full", Samples.AT), Samples.minimalApi("evt-api", Samples.AT)),
                        u -> u.event().timestamp()))
                .isEqualTo(2);

        Map<String, String> full = row("SELECT * FROM agent_usage WHERE event_id = 'evt-full'");
        assertThat(full)
                .containsEntry("occurred_at", "2026-11-22 10:15:30.123+00")
                .containsEntry("handoff_chain", "{router,\"say \\\"hi\\\"\",\"back\\\\slash\"}")
                .containsEntry("company", "Anthropic")
                .containsEntry("model_key", "claude-sonnet-4-5")
                .containsEntry("cache_write_1h_tokens", "40")
                .containsEntry("tokens_estimated", "t")
                .containsEntry("input_cost_usd", "0.0021")
                .containsEntry("cache_read_cost_usd", "0.00006")
                .containsEntry("cache_write_cost_usd", "0.000465")
                .containsEntry("total_cost_usd", "0.0123")
                .containsEntry("catalog_cost_usd", "0.010125")
                .containsEntry("provider_cost_usd", "0.0123")
                .containsEntry("cost_source", "provider")
                .containsEntry("service_tier", "batch")
                .containsEntry("priced_service_tier", "batch")
                .containsEntry(
                        "unit_prices",
                        "{\"inputPerMTok\": \"3\", \"outputPerMTok\": \"15\", \"cacheReadPerMTok\": \"0.30\", "
                                + "\"cacheWritePerMTok\": \"3.75\", \"cacheWrite1hPerMTok\": \"6\"}")
                .containsEntry("task_description", "Implement, \"settings\"\nscreen")
                .containsEntry("attributes", "{\"tier\": \"pro\"}")
                .containsEntry("error_message", null)
                .containsEntry("priced_at", "2026-11-22 10:15:30.456+00");

        Map<String, String> api = row("SELECT * FROM agent_usage WHERE event_id = 'evt-api'");
        assertThat(api)
                .containsEntry("kind", "api")
                .containsEntry("total_cost_usd", "0")
                .containsEntry("model", null)
                .containsEntry("handoff_chain", null)
                .containsEntry("attributes", null)
                .containsEntry("input_tokens", "0");
    }

    @Test
    void theServiceTierViewTellsSpendAtATierTheCatalogLacksFromTheRest() throws SQLException {
        PricedUsage standard = Samples.simple("evt-standard", Samples.AT, "u1", new BigDecimal("1.5"));
        PricedUsage flex = Samples.simple("evt-flex", Samples.AT, "u1", new BigDecimal("0.25"));
        flex = new PricedUsage(
                flex.event().toBuilder().serviceTier("flex").build(), flex.pricing(), flex.cost(), flex.pricedAt());

        writer.write(
                UsageRows.table("agent_usage"),
                List.of(standard, flex),
                u -> u.event().timestamp());

        assertThat(strings(
                        "SELECT service_tier || ' ' || priced_service_tier || ' ' || tier_unpriced || ' ' || total_cost_usd"
                                + " FROM daily_cost_by_service_tier ORDER BY 1"))
                .containsExactly("flex standard true 0.25", "standard standard false 1.5");
    }

    @Test
    void aTruncatedRecordIsStoredSoAndEarlierRowsReadFalse() throws SQLException {
        PricedUsage plain = Samples.simple("evt-plain", Samples.AT, "u1", BigDecimal.ONE);
        PricedUsage cut = Samples.simple("evt-cut", Samples.AT, "u1", BigDecimal.ONE);
        cut = new PricedUsage(cut.event(), cut.pricing(), cut.cost(), cut.pricedAt(), true);

        writer.write(
                UsageRows.table("agent_usage"),
                List.of(plain, cut),
                u -> u.event().timestamp());

        assertThat(strings("SELECT event_id || ' ' || truncated FROM agent_usage ORDER BY 1"))
                .containsExactly("evt-cut true", "evt-plain false");
    }

    @Test
    void aRedeliveredBatchChangesNothing() throws SQLException {
        List<PricedUsage> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(Samples.simple("evt-" + i, Samples.AT.plusSeconds(i), "u" + (i % 7), new BigDecimal("0.0105")));
        }
        assertThat(writer.write(
                        UsageRows.table("agent_usage"), batch, u -> u.event().timestamp()))
                .isEqualTo(100);
        List<PricedUsage> withRepeats = new ArrayList<>(batch.subList(40, 60));
        withRepeats.addAll(batch.subList(40, 60));
        withRepeats.add(Samples.simple("evt-new", Samples.AT, "u1", new BigDecimal("1")));

        assertThat(writer.write(
                        UsageRows.table("agent_usage"),
                        withRepeats,
                        u -> u.event().timestamp()))
                .isEqualTo(1);
        assertThat(strings("SELECT count(*) || ' ' || sum(total_cost_usd) FROM agent_usage"))
                .containsExactly("101 2.0500");
    }

    @Test
    void theHourlyRollUpHoldsExactlyTheRowsSumsThroughRedeliveries() throws SQLException {
        List<PricedUsage> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // 100 s apart: two hours, seven users
            batch.add(Samples.simple(
                    "evt-" + i, Samples.AT.plusSeconds(100L * i), "u" + (i % 7), new BigDecimal("0.0105")));
        }
        writer.write(UsageRows.table("agent_usage"), batch, u -> u.event().timestamp());
        writer.write(
                UsageRows.table("agent_usage"),
                batch.subList(10, 30),
                u -> u.event().timestamp());

        assertThat(strings(
                        "SELECT sum(events) || ' ' || sum(total_cost_usd) || ' ' || count(*) FROM agent_usage_hourly"))
                .containsExactly("100 1.0500 "
                        + strings("SELECT count(DISTINCT (date_trunc('hour', occurred_at, 'UTC'),"
                                        + " user_id)) FROM agent_usage")
                                .get(0));
        assertThat(
                        strings(
                                "SELECT string_agg(h.user_id || '=' || h.total_cost_usd, ',' ORDER BY h.user_id) FROM ("
                                        + "SELECT user_id, sum(total_cost_usd) AS total_cost_usd FROM agent_usage_hourly GROUP BY 1) h"))
                .containsExactly(strings("SELECT string_agg(user_id || '=' || c, ',' ORDER BY user_id) FROM ("
                                + "SELECT user_id, sum(total_cost_usd) AS c FROM agent_usage GROUP BY 1) r")
                        .get(0));
    }

    @Test
    void partitionsAreCreatedAheadAndOnDemandForOldMonths() throws SQLException {
        writer.ensurePartitionsAhead(Instant.parse("2026-11-22T00:00:00Z"), 3);
        writer.write(
                UsageRows.table("agent_usage"),
                List.of(Samples.simple("old", Instant.parse("2024-02-29T23:59:59.999Z"), "u", BigDecimal.ONE)),
                u -> u.event().timestamp());

        assertThat(strings("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "WHERE i.inhparent = 'agent_usage'::regclass ORDER BY 1"))
                .containsExactly(
                        "agent_usage_y2024m02",
                        "agent_usage_y2026m11",
                        "agent_usage_y2026m12",
                        "agent_usage_y2027m01",
                        "agent_usage_y2027m02");
        assertThat(strings("SELECT tableoid::regclass::text FROM agent_usage WHERE event_id = 'old'"))
                .containsExactly("agent_usage_y2024m02");
    }

    /**
     * Two sink tasks reaching a new month at once: the second waits for the first's transaction
     * and then finds the partition. Once failed with "relation ... already exists" (42P07): the
     * advisory lock does not refresh the catalog cache, so a re-check after it saw the table missing.
     */
    @Test
    void twoTransactionsCreatingTheSamePartitionAtOnceBothSucceed() throws Exception {
        YearMonth month = YearMonth.of(2031, 5);
        try (Connection first = DriverManager.getConnection(url);
                Connection second = DriverManager.getConnection(url)) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            new SchemaMigrator("agent_usage", "budget_alerts").ensurePartition(first, month);
            int secondPid = backendPid(second);
            CompletableFuture<Void> secondTask = CompletableFuture.runAsync(() -> {
                try {
                    new SchemaMigrator("agent_usage", "budget_alerts").ensurePartition(second, month);
                    second.commit();
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            awaitWaitingForAdvisoryLock(secondPid, secondTask);
            first.commit();
            secondTask.get(30, TimeUnit.SECONDS);
        }
        assertThat(strings("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "WHERE i.inhparent = 'agent_usage'::regclass AND c.relname LIKE '%y2031%'"))
                .containsExactly("agent_usage_y2031m05");
    }

    @Test
    void alertsAreStoredOncePerAlertId() throws SQLException {
        List<BudgetAlert> alerts =
                List.of(Samples.alert("alice", "0.5"), Samples.alert("alice", "0.8"), Samples.alert("alice", "0.5"));
        assertThat(writer.write(AlertRows.table("budget_alerts"), alerts, null)).isEqualTo(2);
        assertThat(writer.write(AlertRows.table("budget_alerts"), alerts, null)).isZero();

        assertThat(row("SELECT * FROM budget_alerts WHERE threshold = 0.8"))
                .containsEntry("alert_id", "user:alice|DAY|2026-11-22T00:00:00Z|0.8")
                .containsEntry("scope_type", "user")
                .containsEntry("scope_id", "alice")
                .containsEntry("level", "WARNING")
                .containsEntry("spend_usd", "8.0123")
                .containsEntry("limit_usd", "10.00");
    }

    @Test
    void textWithNulCharactersIsStoredWithAReplacementCharacter() throws SQLException {
        PricedUsage nul = Samples.simple("nul\0id", Samples.AT, "u\0x", BigDecimal.ONE);
        assertThat(writer.write(
                        UsageRows.table("agent_usage"),
                        List.of(nul),
                        u -> u.event().timestamp()))
                .isEqualTo(1);
        assertThat(strings("SELECT event_id || '/' || user_id FROM agent_usage"))
                .containsExactly("nul\uFFFDid/u\uFFFDx");
    }

    @Test
    void theAnalystRoleCanReadButNotWrite() throws SQLException {
        writer.write(
                UsageRows.table("agent_usage"),
                List.of(Samples.simple("e1", Samples.AT, "u", BigDecimal.ONE)),
                u -> u.event().timestamp());
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ana') THEN "
                + "CREATE ROLE ana LOGIN PASSWORD 'ana' IN ROLE agentmeter_analyst; END IF; END $$");

        String anaUrl = url.replaceAll("user=[^&]*", "user=ana") + (url.contains("user=") ? "" : "?user=ana");
        try (Connection ana = DriverManager.getConnection(anaUrl, "ana", "ana");
                Statement statement = ana.createStatement()) {
            try (ResultSet rs =
                    statement.executeQuery("SELECT count(*), sum(total_cost_usd) FROM daily_cost_by_user")) {
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2)).isEqualTo("1 1");
            }
            assertThatThrownBy(() ->
                            statement.executeUpdate("INSERT INTO budget_alerts (alert_id, scope, scope_type, scope_id, "
                                    + "period, window_start, threshold, level, spend_usd, limit_usd, raised_at) VALUES "
                                    + "('x','user:a','user','a','DAY',now(),0.5,'WARNING',1,2,now())"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM agent_usage"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Polls pg_locks until {@code pid} waits for an advisory lock (or the task ended early: its failure is thrown). */
    private void awaitWaitingForAdvisoryLock(int pid, CompletableFuture<Void> task) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (strings("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = " + pid)
                .isEmpty()) {
            if (task.isDone()) {
                task.get();
                throw new AssertionError("the second transaction did not wait for the first");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the second transaction never waited for the advisory lock");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Map<String, String> row(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
            }
            return row;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
