package dev.agentmeter.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agentmeter.analytics.reconcile.BillSource;
import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.sink.Ledgers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code up --reconcile-every}: one scheduled run fetches the bill from a stand-in of OpenAI's
 * Costs API (platform.openai.com/docs/api-reference/usage/costs), reconciles it with a real
 * ledger, records the run, and the dashboard exports it as the capture-rate metric.
 */
class ReconcileScheduleIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    private static int databases;
    private static final LocalDate TODAY = LocalDate.parse("2026-11-05");

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(int status, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static PricedUsage gpt4o(String id, String at, String usd) {
        UsageEvent e = UsageEvent.builder()
                .eventId(id)
                .timestamp(Instant.parse(at))
                .kind("llm")
                .agent("coder")
                .provider("openai")
                .model("gpt-4o-2024-08-06")
                .usage(Usage.of(100, 10))
                .build();
        BigDecimal total = new BigDecimal(usd);
        return new PricedUsage(
                e,
                new Pricing("gpt-4o", "OpenAI", "openai", CostSource.CATALOG, null, false, "USD", null),
                new Cost(total, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, total, total),
                Instant.parse(at));
    }

    private static String ledger() throws Exception {
        return Ledgers.create(
                pg,
                "scheduled_" + ++databases,
                List.of(gpt4o("o1", "2026-11-02T09:00:00Z", "1.20"), gpt4o("o2", "2026-11-03T09:00:00Z", "0.90")));
    }

    private static final String COSTS = "{\"object\":\"page\",\"data\":["
            + "{\"object\":\"bucket\",\"start_time\":1793577600,\"end_time\":1793664000,\"results\":[{\"object\":\"organization.costs.result\","
            + "\"amount\":{\"value\":1.20,\"currency\":\"usd\"},\"line_item\":\"gpt-4o-2024-08-06, input\",\"project_id\":null}]},"
            + "{\"object\":\"bucket\",\"start_time\":1793664000,\"end_time\":1793750400,\"results\":[{\"object\":\"organization.costs.result\","
            + "\"amount\":{\"value\":1.00,\"currency\":\"usd\"},\"line_item\":\"gpt-4o-2024-08-06, input\",\"project_id\":null}]}],"
            + "\"has_more\":false,\"next_page\":null}";

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    @Test
    void aRunRecordsTheCaptureRateAndTheDashboardExportsIt() throws Exception {
        String url = ledger();
        String base = serve(200, COSTS);

        String line = ReconcileSchedule.runOnce(
                url, BillSource.OPENAI_COSTS, base, "sk-admin-test", TODAY, new PrintWriter(new StringWriter()));

        assertThat(line)
                .isEqualTo("reconcile: openai-costs 2026-11-02 … 2026-11-04: billed $2.20, tracked $2.10,"
                        + " capture rate 95.45 %, 1 discrepancies (recorded)");
        assertThat(
                        query(
                                url,
                                "SELECT source || ' ' || from_day || ' ' || to_day || ' ' || billed_usd || ' ' || tracked_usd"
                                        + " || ' ' || capture_rate_percent || ' ' || tolerance_percent || ' ' || discrepancies FROM reconciliation_runs"))
                .isEqualTo("openai-costs 2026-11-02 2026-11-04 2.2 2.10 95.45 1 1");
        try (DashboardApp dashboard = new DashboardApp(
                        DashboardConfig.of(Map.of(DashboardConfig.PG_URL, url, DashboardConfig.HTTP_PORT, "0")))
                .start()) {
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains(
                            "agentmeter_reconcile_capture_rate_percent{source=\"openai-costs\"} 95.45\n",
                            "agentmeter_reconcile_billed_usd{source=\"openai-costs\"} 2.2\n",
                            "agentmeter_reconcile_discrepancies{source=\"openai-costs\"} 1.0\n");
        }
    }

    @Test
    void aRefusedKeyRecordsNothingAndSaysWhy() throws Exception {
        String url = ledger();
        String base = serve(401, "{\"error\":{\"message\":\"Invalid admin key\"}}");

        String line = ReconcileSchedule.runOnce(
                url, BillSource.OPENAI_COSTS, base, "sk-wrong", TODAY, new PrintWriter(new StringWriter()));

        assertThat(line).startsWith("reconcile: openai-costs failed, nothing recorded: ");
        assertThat(query(url, "SELECT count(*) FROM reconciliation_runs")).isEqualTo("0");
    }

    @Test
    void onlyTheSourcesWithAnAdminKeyAreScheduled() {
        assertThat(ReconcileSchedule.keysFrom(Map.of("ANTHROPIC_ADMIN_KEY", "sk-ant-admin", "OPENAI_ADMIN_KEY", " ")))
                .containsOnlyKeys(BillSource.ANTHROPIC_COST_REPORT);
    }
}
