package dev.agentmeter.dashboard.bench;

import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.embedded.LocalPostgres;
import dev.agentmeter.sink.schema.SchemaMigrator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each dashboard page takes with 1,000,000 rows in {@code agent_usage}, against the same
 * pages with 10,000 rows measured in the same run (the baseline): embedded PostgreSQL 17, rows
 * spread over the last 60 days in sessions of 20 calls, 90 s apart, each of one user, agent, team,
 * model and task type (20 agents, 500 users, 8 teams, 6 models). The hourly roll-up (V8) then
 * holds about one row per session and hour.
 * Run: {@code mvn -pl dashboard -Pbench -DskipTests verify} (-Dbench.rows=N to change the size).
 */
public final class PageBenchmark {

    static final Map<String, String> PAGES = pages();

    private static Map<String, String> pages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("overview", "/");
        m.put("costs 30 days by model", "/costs?period=last-30-days&group-by=model");
        m.put("costs 30 days by user", "/costs?period=last-30-days&group-by=user");
        m.put("costs today by agent", "/costs?period=today&group-by=agent");
        m.put("sessions 7 days", "/sessions?period=last-7-days");
        m.put("one session", "/sessions/s-123");
        m.put("budgets & alerts", "/budgets");
        m.put("what-if price +10% (7 days)", "/what-if?input-price-change=%2B10%25");
        m.put("what-if replace model (7 days)", "/what-if?replace-model=claude-sonnet-4-5%3Dclaude-haiku-4-5");
        m.put("what-if price +10% 30 days", "/what-if?period=last-30-days&input-price-change=%2B10%25");
        m.put(
                "what-if replace model 30 days",
                "/what-if?period=last-30-days&replace-model=claude-sonnet-4-5%3Dclaude-haiku-4-5");
        return Collections.unmodifiableMap(m);
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000);
        long baselineRows = 10_000;
        try (LocalPostgres pg = LocalPostgres.temporary().start()) {
            String url = pg.jdbcUrl();
            SchemaMigrator migrator = new SchemaMigrator("agent_usage", "budget_alerts");
            migrator.migrate(url, null, null);
            try (Connection c = DriverManager.getConnection(url)) {
                migrator.ensurePartitions(c, Instant.now().minus(Duration.ofDays(62)), 3);
            }
            if (Boolean.getBoolean("bench.hold")) { // a database to EXPLAIN against: load it, print its URL, wait
                insert(url, 0, rows);
                System.out.println("holding " + url + " for 20 min");
                Thread.sleep(Duration.ofMinutes(20).toMillis());
                return;
            }
            insert(url, 0, baselineRows);
            Map<String, long[]> baseline = measure(url);
            long start = System.nanoTime();
            insert(url, baselineRows, rows);
            System.out.printf("inserted %,d rows in %.1f s%n", rows - baselineRows, (System.nanoTime() - start) / 1e9);
            Map<String, long[]> full = measure(url);

            System.out.printf(
                    "%n%-32s %22s %22s%n",
                    "page (median / max of 5, ms)",
                    String.format("%,d rows", baselineRows),
                    String.format("%,d rows", rows));
            for (String page : PAGES.keySet()) {
                System.out.printf(
                        "%-32s %14d / %5d %14d / %5d%n",
                        page, baseline.get(page)[0], baseline.get(page)[1], full.get(page)[0], full.get(page)[1]);
            }
        }
    }

    /** Rows [from, to): deterministic, spread over the last 60 days. */
    static void insert(String url, long from, long to) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO agent_usage (event_id, occurred_at, kind, agent, user_id, session_id, team_id, handoff_chain,
                        provider, company, model, model_key, input_tokens, output_tokens, cache_read_tokens, input_cost_usd,
                        output_cost_usd, cache_read_cost_usd, cache_write_cost_usd, total_cost_usd, cost_source, unit_prices,
                        task_type, duration_ms, status, priced_at)
                    SELECT 'e-' || g,
                           now() - (((g / 20) * 7919) %% (60 * 86400)) * interval '1 second' + (g %% 20) * interval '90 seconds',
                           'llm', 'agent-' || (g / 20 %% 20), 'user-' || (g / 20 %% 500), 's-' || (g / 20), 'team-' || (g / 20 %% 8),
                           CASE WHEN g %% 3 = 0 THEN ARRAY['router'] END,
                           m.provider, m.company, m.model, m.model, 1000 + g %% 5000, 200 + g %% 800, (g %% 4) * 100,
                           (1000 + g %% 5000 - (g %% 4) * 100) * m.input / 1000000, (200 + g %% 800) * m.output / 1000000,
                           (g %% 4) * 100 * m.input / 10 / 1000000, 0,
                           (1000 + g %% 5000 - (g %% 4) * 100) * m.input / 1000000 + (200 + g %% 800) * m.output / 1000000
                               + (g %% 4) * 100 * m.input / 10 / 1000000,
                           'catalog', jsonb_build_object('inputPerMTok', m.input::text, 'outputPerMTok', m.output::text,
                               'cacheReadPerMTok', (m.input / 10)::text),
                           (ARRAY['bug_fix','code_review','feature','docs','triage'])[1 + g / 20 %% 5], 500 + g %% 9000,
                           CASE WHEN g %% 50 = 0 THEN 'error' ELSE 'success' END, now()
                    FROM generate_series(%d::bigint, %d::bigint) g
                    JOIN (VALUES (0, 'anthropic', 'Anthropic', 'claude-sonnet-4-5', 3::numeric, 15::numeric),
                                 (1, 'anthropic', 'Anthropic', 'claude-haiku-4-5', 1, 5),
                                 (2, 'openai', 'OpenAI', 'gpt-4o', 2.5, 10),
                                 (3, 'openai', 'OpenAI', 'gpt-4o-mini', 0.15, 0.6),
                                 (4, 'google', 'Google', 'gemini-2.5-pro', 1.25, 10),
                                 (5, 'openai', 'OpenAI', 'o4-mini', 1.1, 4.4)) AS m(i, provider, company, model, input, output)
                      ON m.i = g / 20 %% 6
                    """.formatted(from, to - 1));
            s.execute("ANALYZE agent_usage");
        }
    }

    /** Median and max of 5 timed GETs per page (after 2 untimed), in ms. */
    static Map<String, long[]> measure(String url) throws Exception {
        Map<String, long[]> out = new LinkedHashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        try (DashboardApp app = new DashboardApp(
                        DashboardConfig.of(Map.of(DashboardConfig.PG_URL, url, DashboardConfig.HTTP_PORT, "0")))
                .start()) {
            for (Map.Entry<String, String> page : PAGES.entrySet()) {
                URI uri = URI.create("http://localhost:" + app.port() + page.getValue());
                List<Long> ms = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> r =
                            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(page.getKey() + ": " + r.statusCode() + " " + r.body());
                    }
                    if (i >= 2) {
                        ms.add((System.nanoTime() - t) / 1_000_000);
                    }
                }
                Collections.sort(ms);
                out.put(page.getKey(), new long[] {ms.get(ms.size() / 2), ms.get(ms.size() - 1)});
            }
        }
        return out;
    }
}
