package dev.agentmeter.analytics.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The providers' cost APIs as their documentation shows them (OpenAI: platform.openai.com/docs/api-reference/usage/costs;
 * Anthropic: docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report), answered by a local stand-in.
 */
class BillFetcherTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();

    private String serve(IntFunction<Object[]> answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger n = new AtomicInteger();
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().toString());
            auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")) + " "
                    + exchange.getRequestHeaders().getFirst("x-api-key") + " "
                    + exchange.getRequestHeaders().getFirst("anthropic-version"));
            Object[] a = answer.apply(n.incrementAndGet());
            byte[] body = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
            if (a.length > 2) {
                exchange.getResponseHeaders().add("Retry-After", (String) a[2]);
            }
            exchange.sendResponseHeaders((Integer) a[0], body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void openAiCostsArePagedAndA429IsRetried() throws Exception {
        String page1 =
                "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1793577600,\"end_time\":1793664000,"
                        + "\"results\":[{\"object\":\"organization.costs.result\",\"amount\":{\"value\":0.70,\"currency\":\"usd\"},"
                        + "\"line_item\":\"gpt-4o-2024-08-06, input\",\"project_id\":\"proj_1\"}]}],\"has_more\":true,\"next_page\":\"page_AAA\"}";
        String page2 =
                "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1793664000,\"end_time\":1793750400,"
                        + "\"results\":[{\"object\":\"organization.costs.result\",\"amount\":{\"value\":1.25,\"currency\":\"usd\"},"
                        + "\"line_item\":\"gpt-4o-mini, output\",\"project_id\":\"proj_1\"}]}],\"has_more\":false,\"next_page\":null}";
        String base = serve(n -> n == 1
                ? new Object[] {429, "{\"error\":\"rate\"}", "0"}
                : n == 2 ? new Object[] {200, page1} : new Object[] {200, page2});

        List<BilledItem> items = BillFetcher.items(
                BillSource.OPENAI_COSTS,
                new BillFetcher(base, "sk-admin-test", Duration.ofMillis(1))
                        .fetch(BillSource.OPENAI_COSTS, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-03")));

        assertThat(items)
                .containsExactly(
                        new BilledItem(
                                LocalDate.parse("2026-11-02"), "gpt-4o-2024-08-06", "proj_1", new BigDecimal("0.7")),
                        new BilledItem(LocalDate.parse("2026-11-03"), "gpt-4o-mini", "proj_1", new BigDecimal("1.25")));
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0))
                .isEqualTo("/v1/organization/costs?start_time=1793577600&end_time=1793750400&bucket_width=1d"
                        + "&group_by=line_item&group_by=project_id&limit=2");
        assertThat(requests.get(2)).endsWith("&page=page_AAA");
        assertThat(auth).allSatisfy(a -> assertThat(a).startsWith("Bearer sk-admin-test null null"));
    }

    @Test
    void anthropicsCostReportTakesTheAdminKeyHeaderAndCents() throws Exception {
        String page = "{\"data\":[{\"starting_at\":\"2026-11-02T00:00:00Z\",\"ending_at\":\"2026-11-03T00:00:00Z\","
                + "\"results\":[{\"currency\":\"USD\",\"amount\":\"200.00\",\"workspace_id\":\"wrk_1\",\"description\":\"Claude Sonnet 4.5\","
                + "\"cost_type\":\"tokens\",\"model\":\"claude-sonnet-4-5-20250929\",\"token_type\":\"uncached_input_tokens\"}]}],"
                + "\"has_more\":false,\"next_page\":null}";
        String base = serve(n -> new Object[] {200, page});

        List<BilledItem> items = BillFetcher.items(
                BillSource.ANTHROPIC_COST_REPORT,
                new BillFetcher(base, "sk-ant-admin01-x", Duration.ofMillis(1))
                        .fetch(
                                BillSource.ANTHROPIC_COST_REPORT,
                                LocalDate.parse("2026-11-02"),
                                LocalDate.parse("2026-11-02")));

        assertThat(items)
                .containsExactly(new BilledItem(
                        LocalDate.parse("2026-11-02"),
                        "claude-sonnet-4-5-20250929",
                        "wrk_1",
                        new BigDecimal("2.0000")));
        assertThat(requests.get(0))
                .isEqualTo(
                        "/v1/organizations/cost_report?starting_at=2026-11-02T00%3A00%3A00Z"
                                + "&ending_at=2026-11-03T00%3A00%3A00Z&group_by%5B%5D=description&group_by%5B%5D=workspace_id&limit=1");
        assertThat(auth.get(0)).isEqualTo("null sk-ant-admin01-x 2023-06-01");
    }

    @Test
    void aRefusedKeyIsSaidWithoutTheKey() throws Exception {
        String base = serve(n -> new Object[] {401, "{\"error\":{\"message\":\"invalid x-api-key\"}}"});

        assertThatThrownBy(() -> new BillFetcher(base, "sk-ant-admin01-secret", Duration.ofMillis(1))
                        .fetch(
                                BillSource.ANTHROPIC_COST_REPORT,
                                LocalDate.parse("2026-11-02"),
                                LocalDate.parse("2026-11-02")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused the admin key (HTTP 401)")
                .hasMessageNotContaining("secret");
    }

    @Test
    void a5xxThatStaysIsAnErrorAfterTheLastAttempt() throws Exception {
        String base = serve(n -> new Object[] {503, ""});

        assertThatThrownBy(() -> new BillFetcher(base, "k", Duration.ofMillis(1))
                        .fetch(BillSource.OPENAI_COSTS, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-02")))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("answered HTTP 503 after 5 attempts");
        assertThat(requests).hasSize(5);
    }
}
