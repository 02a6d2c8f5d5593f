package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.pricing.Pricer;
import dev.agentmeter.sink.Ledgers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code export focus} on a ledger priced by the real pricing rules, read back by DuckDB as a FOCUS tool would. */
class FocusExportIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    @TempDir
    static Path dir;

    static String url;

    private static PricedUsage priced(UsageEvent e) {
        return Pricer.withDefaults()
                .price(e, new PriceCatalog(BundledCatalog.load()), e.timestamp().plusSeconds(1));
    }

    private static UsageEvent.Builder llm(String id, String provider, String model, Usage usage) {
        return UsageEvent.builder()
                .eventId(id)
                .timestamp(Instant.parse("2026-11-02T10:00:00Z"))
                .kind("llm")
                .agent("coder")
                .teamId("support")
                .userId("alice")
                .provider(provider)
                .model(model)
                .usage(usage);
    }

    @BeforeAll
    static void ledger() throws Exception {
        url = Ledgers.create(
                pg,
                "focus_it",
                List.of(
                        priced(llm(
                                        "e1",
                                        "anthropic",
                                        "claude-sonnet-4-5-20250929",
                                        new Usage(10_000, 3_000, 4_000, 2_000, 500, 1_000, false))
                                .build()),
                        priced(llm("e2", "openai", "gpt-4o", Usage.of(1_000_000, 100_000))
                                .serviceTier("batch")
                                .build()),
                        priced(llm("e3", "openrouter", "anthropic/claude-sonnet-4.5", Usage.of(1_000, 100))
                                .providerCostUsd(new BigDecimal("0.02"))
                                .agent("triage")
                                .teamId("platform")
                                .build()),
                        priced(UsageEvent.builder()
                                .eventId("e4")
                                .timestamp(Instant.parse("2026-11-02T11:00:00Z"))
                                .kind("api")
                                .agent("coder")
                                .teamId("support")
                                .provider("anthropic")
                                .api(new ApiCall(
                                        "anthropic-web-search",
                                        "server_tool_use.web_search_requests",
                                        null,
                                        new BigDecimal("0.03")))
                                .build()),
                        priced(llm("e5", "lmstudio", "qwen3-8b", Usage.of(500, 50))
                                .build())));
    }

    private static Path export(String format, String file) {
        Path out = dir.resolve(file);
        Cli result = Cli.run(
                "export",
                "focus",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                format,
                "--output",
                out.toString(),
                "--pg-url",
                url);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return out;
    }

    private static List<String> duck(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cells.add(r.getString(i));
                }
                out.add(String.join(" ", cells));
            }
        }
        return out;
    }

    private static String ledgerSum(String expression) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT " + expression + " FROM agent_usage")) {
            r.next();
            return r.getBigDecimal(1).stripTrailingZeros().toPlainString();
        }
    }

    private static String csv(Path file) {
        return "read_csv('" + file + "', all_varchar = true, header = true)";
    }

    @Test
    void tokenRowsAddUpToTheLedgersTokensAndBilledCostToItsTotalExactly() throws Exception {
        Path file = export("csv", "focus.csv");

        assertThat(duck("SELECT CAST(sum(CAST(ConsumedQuantity AS DECIMAL(38,0))) AS VARCHAR) FROM " + csv(file)
                        + " WHERE x_TokenKind NOT IN ('api', 'adjustment')"))
                .containsExactly(ledgerSum("sum(input_tokens + output_tokens)"));
        assertThat(duck("SELECT CAST(sum(CAST(BilledCost AS DECIMAL(38,20))) AS VARCHAR) FROM " + csv(file))
                        .get(0))
                .satisfies(s -> assertThat(new BigDecimal(s)).isEqualByComparingTo(ledgerSum("sum(total_cost_usd)")));
    }

    @Test
    void eachTokenKindIsARowAtItsOwnUnitPrice() throws Exception {
        Path file = export("csv", "kinds.csv");

        assertThat(
                        duck(
                                "SELECT x_TokenKind, ConsumedQuantity, ListUnitPrice, BilledCost, PricingQuantity, PricingUnit FROM "
                                        + csv(file)
                                        + " WHERE x_Model = 'claude-sonnet-4-5' AND ProviderName = 'Anthropic' ORDER BY x_TokenKind"))
                .containsExactly(
                        "cache-read 4000 0.3 0.0012 0.004 1M Tokens",
                        "cache-write-1h 500 6 0.003 0.0005 1M Tokens",
                        "cache-write-5m 1500 3.75 0.005625 0.0015 1M Tokens",
                        "input 4000 3 0.012 0.004 1M Tokens",
                        "output 2000 15 0.03 0.002 1M Tokens",
                        "reasoning 1000 15 0.015 0.001 1M Tokens");
    }

    @Test
    void aProviderReportedCostIsTheCatalogPriceOfItsTokensAndOneAdjustment() throws Exception {
        Path file = export("csv", "adjustment.csv");

        assertThat(duck("SELECT x_TokenKind, ChargeCategory, BilledCost, ListCost, x_CostSource FROM " + csv(file)
                        + " WHERE ProviderName = 'OpenRouter' ORDER BY x_TokenKind"))
                .containsExactly(
                        "adjustment Adjustment 0.0155 0 provider",
                        "input Usage 0.003 0.003 provider",
                        "output Usage 0.0015 0.0015 provider");
    }

    @Test
    void mandatoryColumnsCarryFocusValuesAndTagsTheAttribution() throws Exception {
        Path file = export("csv", "columns.csv");

        assertThat(duck(
                        "SELECT BillingCurrency, ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd,"
                                + " ServiceCategory, ServiceName, InvoiceIssuerName, PublisherName, SkuId, x_ServiceTier, Tags FROM "
                                + csv(file)
                                + " WHERE x_Model = 'gpt-4o' AND x_TokenKind = 'input'"))
                .containsExactly(
                        "USD 2026-11-02T00:00:00Z 2026-11-03T00:00:00Z 2026-11-01T00:00:00Z 2026-12-01T00:00:00Z"
                                + " AI and Machine Learning OpenAI API OpenAI OpenAI gpt-4o:input batch {\"team\":\"support\",\"agent\":\"coder\"}");
        assertThat(duck("SELECT x_TokenKind, ConsumedQuantity, ConsumedUnit, BilledCost FROM " + csv(file)
                        + " WHERE x_TokenKind = 'api'"))
                .containsExactly("api 1 Requests 0.03");
    }

    @Test
    void parquetHoldsTheSameRowsWithExactDecimals() throws Exception {
        Path parquet = export("parquet", "focus.parquet");
        Path csvFile = export("csv", "same.csv");

        assertThat(duck("SELECT count(*), CAST(sum(BilledCost) AS VARCHAR) FROM read_parquet('" + parquet + "')"))
                .containsExactly(duck("SELECT count(*), CAST(sum(CAST(BilledCost AS DECIMAL(38,20))) AS VARCHAR) FROM "
                                + csv(csvFile))
                        .get(0));
    }
}
