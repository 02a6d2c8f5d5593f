package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.agentmeter.cli.Cli;
import dev.agentmeter.cli.kafka.ProcessorHttp;
import dev.agentmeter.model.json.ContractJson;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The subcommands against a running pipeline (processor + sink in Connect) on the in-JVM broker
 * and embedded PostgreSQL. Ordered: later steps build on the budgets and prices of earlier ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliPipelineIT {

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("cli_it");

    private static Path spool() {
        return pipeline.data().resolve("spool");
    }

    private static Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", pipeline.bootstrapServers()));
        if (!args[0].equals("budgets") && !args[0].equals("prices")) {
            all.addAll(List.of("--processor", pipeline.processorUrl(), "--pg-url", pipeline.pgUrl()));
        }
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void budgetsSetAndList() {
        Cli set = cli("budgets", "set", "user:zoe", "--day", "0.01");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out())
                .isEqualTo(
                        "budget set: {\"scope\":\"user:zoe\",\"limits\":{\"DAY\":\"0.01\"},\"thresholds\":[\"0.5\",\"0.8\",\"1.0\"]}\n");
        assertThat(cli("budgets", "list").out())
                .contains("user:zoe                     DAY $0.01  thresholds 0.5,0.8,1.0\n");
    }

    @Test
    @Order(2)
    void trackedCallIsPricedAggregatedAlertedAndStored() throws Exception {
        Cli track = cli(
                "track",
                "--model",
                "gpt-4o",
                "--provider",
                "openai",
                "--input-tokens",
                "1000",
                "--output-tokens",
                "500",
                "--user",
                "zoe",
                "--agent",
                "scripts",
                "--task-type",
                "bug_fix",
                "--response-time",
                "2.5s",
                "--spool-dir",
                spool().toString());
        assertThat(track.exitCode()).as(track.err()).isZero();
        assertThat(track.out()).matches("tracked [0-9a-f-]{36}\n");
        String eventId = track.out().substring("tracked ".length()).trim();

        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || cost_source || ' ' || duration_ms || ' ' || task_type "
                                + "FROM agent_usage WHERE event_id = '" + eventId + "'"))
                .isEqualTo("0.0075 catalog 2500 bug_fix");
        String today = LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z";
        // The row and the spend come by different paths (sink; aggregator store written per commit): await the spend
        // too.
        assertThat(awaitOutput(
                        "user:zoe DAY " + today
                                + ": $0.0075 in 1 events, limit $0.01, remaining $0.0025, 75.0 % used\n",
                        "spend",
                        "user:zoe"))
                .isEqualTo("user:zoe DAY " + today + ": $0.0075 in 1 events, limit $0.01, remaining $0.0025,"
                        + " 75.0 % used\n");

        Cli alerts = cli("alerts", "--from-beginning", "--max", "1", "--timeout", "PT30S");
        assertThat(alerts.out())
                .isEqualTo("WARNING user:zoe DAY: $0.0075 of $0.01 (50 % threshold) in window " + today + ", event "
                        + eventId + "\n");
        assertThat(pipeline.awaitRow("SELECT alert_id FROM budget_alerts")).isEqualTo("user:zoe|DAY|" + today + "|0.5");
    }

    @Test
    @Order(3)
    void trackWithoutTokensEstimatesThemFromThePromptLength() throws Exception {
        Cli track = cli(
                "track",
                "--model",
                "gpt-4o",
                "--prompt-length",
                "4000",
                "--user",
                "yan",
                "--spool-dir",
                spool().toString());
        String eventId = track.out().substring("tracked ".length()).trim();
        assertThat(pipeline.awaitRow(
                        "SELECT input_tokens || ' ' || output_tokens || ' ' || tokens_estimated FROM agent_usage "
                                + "WHERE event_id = '" + eventId + "'"))
                .isEqualTo("1000 300 true");
    }

    @Test
    @Order(3)
    void trackWithAPromptRecordsItsLengthWordsAndEstimatedTokensLikeCapturePromptSh() throws Exception {
        Cli track = cli(
                "track",
                "--prompt",
                "Implement a new feature",
                "--model",
                "gpt-4o",
                "--task-type",
                "feature_implementation",
                "--session-id",
                "s-prompt",
                "--store-prompt",
                "--user",
                "yan",
                "--spool-dir",
                spool().toString());
        assertThat(track.exitCode()).as(track.err()).isZero();

        assertThat(
                        pipeline.awaitRow(
                                "SELECT session_id || ' ' || prompt_chars || ' ' || prompt_words || ' ' || input_tokens || ' '"
                                        + " || output_tokens || ' ' || tokens_estimated || ' ' || prompt FROM prompts WHERE session_id = 's-prompt'"))
                .isEqualTo("s-prompt 23 4 6 2 true Implement a new feature");
    }

    @Test
    @Order(3)
    void trackWithoutStorePromptKeepsOnlyTheLength() throws Exception {
        Cli track = cli(
                "track",
                "--prompt",
                "my password is hunter2 please fix",
                "--model",
                "gpt-4o",
                "--session-id",
                "s-private",
                "--spool-dir",
                spool().toString());
        assertThat(track.exitCode()).as(track.err()).isZero();

        assertThat(pipeline.awaitRow(
                        "SELECT prompt_chars || ' ' || prompt_words || ' ' || coalesce(prompt, 'not stored')"
                                + " FROM prompts WHERE session_id = 's-private'"))
                .isEqualTo("33 6 not stored");
    }

    @Test
    @Order(3)
    void trackTakesTheScriptsOtherFields() throws Exception {
        Cli track = cli(
                "track",
                "--model",
                "claude-sonnet-4-5-20250929",
                "--input-tokens",
                "1000",
                "--output-tokens",
                "10",
                "--cache-write-tokens",
                "100",
                "--cache-write-1h-tokens",
                "40",
                "--region",
                "eu-west-1",
                "--task-complexity",
                "simple",
                "--task-description",
                "Fix the login page",
                "--status",
                "error",
                "--error-message",
                "rate limited",
                "--handoff-chain",
                "triage,coder",
                "--attribute",
                "env=prod",
                "--attribute",
                "ticket=T-42",
                "--spool-dir",
                spool().toString());
        String eventId = track.out().substring("tracked ".length()).trim();

        assertThat(pipeline.awaitRow(
                        "SELECT cache_write_1h_tokens || ' ' || region || ' ' || task_complexity || ' ' || task_description"
                                + " || ' ' || status || ' ' || error_message || ' ' || array_to_string(handoff_chain, '>') || ' '"
                                + " || (attributes ->> 'env') || ' ' || (attributes ->> 'ticket') FROM agent_usage WHERE event_id = '"
                                + eventId + "'"))
                .isEqualTo("40 eu-west-1 simple Fix the login page error rate limited triage>coder prod T-42");
    }

    @Test
    @Order(4)
    void aPriceSetAtRuntimeAppliesToTheNextEvent() throws Exception {
        Cli set = cli(
                "prices",
                "set",
                "acme-large-2",
                "--input",
                "1",
                "--output",
                "2",
                "--company",
                "Acme",
                "--effective-from",
                "2020-01-01T00:00:00Z");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(cli("prices", "list").out())
                .contains(
                        String.format("%-36s %-10s %10s %10s %10s %10s%n", "acme-large-2", "Acme", "1", "2", "-", "-"));
        awaitProcessorPrice("acme-large-2", "1"); // the global price table picks the record up asynchronously

        Cli track = cli(
                "track",
                "--model",
                "acme-large-2",
                "--input-tokens",
                "1000",
                "--output-tokens",
                "1000",
                "--spool-dir",
                spool().toString());
        String eventId = track.out().substring("tracked ".length()).trim();
        assertThat(pipeline.awaitRow("SELECT total_cost_usd || ' ' || cost_source || ' ' || company FROM agent_usage "
                        + "WHERE event_id = '" + eventId + "'"))
                .isEqualTo("0.003 catalog Acme");
    }

    @Test
    @Order(5)
    void budgetsDeleteRemovesTheBudget() {
        assertThat(cli("budgets", "delete", "user:zoe").out()).isEqualTo("budget deleted: user:zoe\n");
        assertThat(cli("budgets", "list").out()).doesNotContain("user:zoe");
    }

    @Test
    @Order(6)
    void loadSendsSyntheticEventsThatAllLand() throws Exception {
        long before = Long.parseLong(pipeline.awaitRow("SELECT count(*) FROM agent_usage"));
        Cli load = cli(
                "load",
                "--events",
                "300",
                "--users",
                "20",
                "--spool-dir",
                spool().resolveSibling("load-spool").toString());
        assertThat(load.exitCode()).as(load.err()).isZero();
        assertThat(load.out()).contains("sent 300 events").endsWith("sent=300 spooled=0 dropped=0\n");
        String expected = Long.toString(before + 300);
        assertThat(pipeline.awaitValue("SELECT count(*) FROM agent_usage", expected))
                .isEqualTo(expected);
    }

    @Test
    @Order(10)
    void theSinksMetersAreOnTheProcessorsMetricsEndpoint() throws Exception {
        String rows = pipeline.awaitRow("SELECT count(*) FROM agent_usage");
        String series = "agentmeter_sink_rows_written_total{table=\"agent_usage\"}";
        assertThat(pipeline.awaitMetric(series, rows + ".0")).isEqualTo(rows + ".0");
    }

    @Test
    @Order(7)
    void spendOfAScopeWithoutUsageIsZeroAndAnUnreachableProcessorIsExitCodeOne() {
        String today = LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z";
        assertThat(cli("spend", "team:nobody").out()).isEqualTo("team:nobody DAY " + today + ": $0 in 0 events\n");

        Cli down = Cli.run("spend", "user:zoe", "--processor", "http://localhost:1");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err())
                .startsWith("error: cannot reach the processor at http://localhost:1 (is the pipeline up?)");
    }

    @Test
    @Order(8)
    void pricesImportPublishesEveryEntryAndABadFileIsAUsageError() throws Exception {
        Path file = pipeline.data().resolve("prices.json");
        Files.writeString(
                file,
                "[{\"modelKey\":\"zeta-1\",\"company\":\"Zeta\",\"aliases\":[\"zeta/zeta-1\"],"
                        + "\"prices\":[{\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"inputPerMTok\":\"4\",\"outputPerMTok\":\"8\"}]}]");
        Cli imported = cli("prices", "import", file.toString());
        assertThat(imported.out()).isEqualTo("imported 1 model(s) from " + file + "\n");
        assertThat(cli("prices", "list").out())
                .contains(String.format("%-36s %-10s %10s %10s %10s %10s%n", "zeta-1", "Zeta", "4", "8", "-", "-"));

        Files.writeString(file, "{\"not\": \"an array\"}");
        Cli bad = cli("prices", "import", file.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .startsWith(file + ": neither genai-prices data (an array of providers) nor LiteLLM prices");
    }

    @Test
    @Order(11)
    void aLiteLlmCatalogFromAUrlIsDiffedThenPublishedAndItsBatchPricesBillABatchCall() throws Exception {
        byte[] doc =
                ("{\"zeta-2\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\": 2e-06,"
                                + " \"output_cost_per_token\": 8e-06, \"input_cost_per_token_batches\": 1e-06, \"output_cost_per_token_batches\": 4e-06}}")
                        .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/prices.json", exchange -> {
            exchange.sendResponseHeaders(200, doc.length);
            exchange.getResponseBody().write(doc);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://localhost:" + server.getAddress().getPort() + "/prices.json";
            Cli dry = cli("prices", "import", url, "--model", "zeta-2", "--dry-run");
            assertThat(dry.exitCode()).as(dry.err()).isZero();
            assertThat(dry.out())
                    .isEqualTo("litellm: 1 new, 0 changed, 0 unchanged, 0 no longer listed (kept), 0 left out\n"
                            + String.format(
                                    "%-9s %-40s %s%n", "change", "model", "prices per million tokens (before → after)")
                            + String.format("%-9s %-40s %s%n", "new", "zeta-2", "input - → 2, output - → 8"));
            assertThat(cli("prices", "list").out()).doesNotContain("zeta-2");

            Cli imported = cli("prices", "import", url, "--model", "zeta-2");
            assertThat(imported.out()).endsWith("published 1 model(s) to agentmeter.prices\n");
            assertThat(cli("prices", "import", url, "--model", "zeta-2").out())
                    .endsWith("nothing to publish: the catalog already has these prices\n");
        } finally {
            server.stop(0);
        }
        awaitProcessorPrice("zeta-2", "2");
        Cli track = cli(
                "track",
                "--model",
                "zeta-2",
                "--input-tokens",
                "1000",
                "--output-tokens",
                "1000",
                "--service-tier",
                "batch",
                "--spool-dir",
                spool().toString());
        String eventId = track.out().substring("tracked ".length()).trim();
        // 1,000 × $1 + 1,000 × $4 per million: the batch prices, not 1,000 × $2 + 1,000 × $8
        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || service_tier || ' ' || priced_service_tier FROM agent_usage "
                                + "WHERE event_id = '" + eventId + "'"))
                .isEqualTo("0.005 batch batch");
    }

    @Test
    @Order(9)
    void alertsArePostedToAWebhookInSlackShape() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        hook.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        try {
            Cli alerts = cli(
                    "alerts",
                    "--from-beginning",
                    "--max",
                    "1",
                    "--timeout",
                    "PT30S",
                    "--json",
                    "--webhook",
                    "http://localhost:" + hook.getAddress().getPort() + "/hook");
            assertThat(alerts.exitCode()).as(alerts.err()).isZero();
            assertThat(bodies).hasSize(1);
            JsonNode body = ContractJson.mapper().readTree(bodies.get(0));
            String today = LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z";
            assertThat(body.get("text").asText())
                    .startsWith(":warning: agentmeter WARNING user:zoe DAY: $0.0075 of $0.01");
            assertThat(body.get("alertId").asText()).isEqualTo("user:zoe|DAY|" + today + "|0.5");
            assertThat(alerts.out()).startsWith("{\"alertId\":\"user:zoe|DAY|" + today + "|0.5\"");
        } finally {
            hook.stop(0);
        }
    }

    /** Polls the processor's /v1/prices until the model's input price is {@code inputPerMTok}. */
    private static void awaitProcessorPrice(String model, String inputPerMTok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = ProcessorHttp.get(pipeline.processorUrl(), null, "/v1/prices/" + model, Duration.ofSeconds(5))
                        .path("price")
                        .path("inputPerMTok")
                        .asText();
                if (inputPerMTok.equals(seen)) {
                    return;
                }
            } catch (IllegalStateException notYetKnown) {
                seen = notYetKnown.getMessage(); // 404 until the price arrives
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "processor price for " + model + " is not " + inputPerMTok + " within 30 s; last: " + seen);
    }

    /** The command's output once it equals {@code expected}, or its last output after 30 s (the assertion then fails). */
    private static String awaitOutput(String expected, String... args) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String out = cli(args).out();
        while (!expected.equals(out) && System.nanoTime() < deadline) {
            Thread.sleep(200); // the pause of a deadline-bounded poll
            out = cli(args).out();
        }
        return out;
    }
}
