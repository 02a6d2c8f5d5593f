package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.analytics.archive.ArchiverHooks;
import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.sink.Ledgers;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.UsageRows;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The books over time, in a real PostgreSQL with the sink's schema: archive → drop → restore, a dry
 * run, an interrupted archive, and reconciliation against each provider's documented export.
 */
class BooksIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    @TempDir
    Path dir;

    private static int databases;

    /** June and July 2026 (older than 90 days on 2026-12-02 and later), and n1 of a minute ago. */
    private static String ledger() throws Exception {
        return Ledgers.create(
                pg, "books_" + ++databases, """
                event_id occurred_at              agent  user_id team_id  session_id provider  model                      model_key         company   cost_source input_tokens output_tokens input_cost_usd output_cost_usd total_cost_usd task_type status
                j1       2026-06-03T10:00:00Z     coder  alice   support  alice-1    openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.0025         0.001           0.0035         bug_fix   success
                j2       2026-06-30T23:59:59.999Z coder  bob     support  bob-1      openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           1.2            0.3             1.5            bug_fix   success
                k1       2026-07-01T00:00:00Z     triage alice   platform alice-1    anthropic claude-sonnet-4-5-20250929 claude-sonnet-4-5 Anthropic CATALOG     2000         200           0.006          0.003           0.009          chat      error
                n1       %s                       coder  alice   support  alice-1    openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.5            0.5             1              bug_fix   success
                """.formatted(Instant.now().minusSeconds(60)));
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static final String TOTALS = "SELECT count(*) || ' rows, ' || sum(total_cost_usd) || ', '"
            + " || string_agg(event_id || '@' || occurred_at || '=' || total_cost_usd || '/' || coalesce(cache_savings_usd, 0), ';'"
            + " ORDER BY event_id) FROM agent_usage";
    private static final String ROLLUP =
            "SELECT sum(total_cost_usd) || ' in ' || sum(events) || ' events' FROM agent_usage_hourly";

    private Cli cli(String url, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pg-url", url));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void dryRunNamesTheOldMonthsAndChangesNothing() throws Exception {
        String url = ledger();
        String before = query(url, TOTALS);

        Cli result = cli(url, "archive", "--older-than", "90d", "--dry-run", "--dir", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().toList())
                .containsExactly(
                        "would archive 2026-06: 2 rows, $1.50 → " + dir.resolve("agent_usage_y2026m06.csv.gz"),
                        "would archive 2026-07: 1 rows, $0.009 → " + dir.resolve("agent_usage_y2026m07.csv.gz"));
        assertThat(query(url, TOTALS)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void archiveDropsOnlyOldMonthsAndRestoreBringsBackIdenticalRows() throws Exception {
        String url = ledger();
        String before = query(url, TOTALS);
        String rollupBefore = query(url, ROLLUP);

        Cli archived = cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());

        assertThat(archived.exitCode()).as(archived.err()).isZero();
        assertThat(archived.out())
                .contains("archived 2026-06: 2 rows, $1.50", "archived 2026-07: 1 rows, $0.009", "(partition dropped)");
        assertThat(query(url, "SELECT count(*) || ' rows, ' || sum(total_cost_usd) FROM agent_usage"))
                .isEqualTo("1 rows, 1");
        assertThat(
                        query(
                                url,
                                "SELECT count(*) FROM pg_class WHERE relname IN ('agent_usage_y2026m06', 'agent_usage_y2026m07')"))
                .isEqualTo("0");
        // The roll-up keeps the archived months: whole-hour reports keep their totals across the cut.
        assertThat(query(url, ROLLUP)).isEqualTo(rollupBefore);
        assertThat(Files.readString(dir.resolve("agent_usage_y2026m06.manifest.json")))
                .contains(
                        "\"rowCount\" : 2",
                        "\"sumTotalCostUsd\" : \"1.5035\"",
                        "\"format\" : \"agentmeter-archive/1\"");
        Cli report = Cli.run("report", "--from", "2026-06-01", "--to", "2026-12-31", "--pg-url", url, "--skip-budgets");
        assertThat(report.exitCode()).as(report.err()).isZero();

        assertThat(cli(
                                url,
                                "archive",
                                "restore",
                                dir.resolve("agent_usage_y2026m06.csv.gz").toString(),
                                "--dir",
                                dir.toString())
                        .out())
                .isEqualTo(
                        "restored agent_usage_y2026m06: 2 rows inserted, 0 already present (2 rows, $1.50 in the archive)\n");
        assertThat(cli(
                                url,
                                "archive",
                                "restore",
                                dir.resolve("agent_usage_y2026m07.manifest.json")
                                        .toString(),
                                "--dir",
                                dir.toString())
                        .exitCode())
                .isZero();

        assertThat(query(url, TOTALS)).isEqualTo(before);
        assertThat(query(url, ROLLUP))
                .as("restored rows are not counted twice in the roll-up")
                .isEqualTo(rollupBefore);
    }

    @Test
    void restoringTwiceInsertsNothingTheSecondTime() throws Exception {
        String url = ledger();
        String before = query(url, TOTALS);
        cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());
        cli(
                url,
                "archive",
                "restore",
                dir.resolve("agent_usage_y2026m06.csv.gz").toString(),
                "--dir",
                dir.toString());

        Cli again = cli(
                url,
                "archive",
                "restore",
                dir.resolve("agent_usage_y2026m06.csv.gz").toString(),
                "--dir",
                dir.toString());

        assertThat(again.out())
                .isEqualTo(
                        "restored agent_usage_y2026m06: 0 rows inserted, 2 already present (2 rows, $1.50 in the archive)\n");
        assertThat(query(url, "SELECT count(*) FROM agent_usage")).isEqualTo("3");
        assertThat(before).contains("4 rows");
    }

    @Test
    void archiveListShowsArchivedAndLiveMonths() throws Exception {
        String url = ledger();
        cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());

        List<String> lines = cli(url, "archive", "list", "--dir", dir.toString())
                .out()
                .lines()
                .toList();

        assertThat(lines.get(0))
                .isEqualTo(String.format("%-24s %-16s %12s %16s", "PARTITION", "STATE", "ROWS", "ARCHIVED COST"));
        assertThat(lines.get(1))
                .isEqualTo(String.format("%-24s %-16s %,12d %16s", "agent_usage_y2026m06", "archived", 2, "$1.50"));
        assertThat(lines.get(2))
                .isEqualTo(String.format("%-24s %-16s %,12d %16s", "agent_usage_y2026m07", "archived", 1, "$0.009"));
        YearMonth thisMonth = YearMonth.now(ZoneOffset.UTC);
        assertThat(lines.get(3))
                .isEqualTo(String.format(
                        "%-24s %-16s %,12d %16s",
                        String.format("agent_usage_y%04dm%02d", thisMonth.getYear(), thisMonth.getMonthValue()),
                        "in database",
                        1,
                        ""));
    }

    @Test
    void anArchiveKilledBetweenExportAndDropLosesNothingAndCanBeRunAgain() throws Exception {
        String url = ledger();
        String before = query(url, TOTALS);

        assertThatThrownBy(() -> ArchiverHooks.archiveInterruptedAfterExport(url, dir, "90d"))
                .hasMessageContaining("killed after export");
        assertThat(query(url, TOTALS)).as("nothing dropped yet").isEqualTo(before);
        assertThat(dir.resolve("agent_usage_y2026m06.manifest.json")).exists();

        Cli rerun = cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(query(url, "SELECT count(*) FROM agent_usage")).isEqualTo("1");
        cli(
                url,
                "archive",
                "restore",
                dir.resolve("agent_usage_y2026m06.csv.gz").toString(),
                "--dir",
                dir.toString());
        cli(
                url,
                "archive",
                "restore",
                dir.resolve("agent_usage_y2026m07.csv.gz").toString(),
                "--dir",
                dir.toString());
        assertThat(query(url, TOTALS)).isEqualTo(before);
    }

    @Test
    void aDamagedArchiveIsRefused() throws Exception {
        String url = ledger();
        cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());
        Path file = dir.resolve("agent_usage_y2026m06.csv.gz");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        Cli restore = cli(url, "archive", "restore", file.toString(), "--dir", dir.toString());

        assertThat(restore.exitCode()).isNotZero();
        assertThat(restore.err()).contains("is damaged: SHA-256");
        assertThat(query(url, "SELECT count(*) FROM agent_usage")).isEqualTo("1");
    }

    @Test
    void lateRowsForAnArchivedMonthGoToASecondGenerationAndNeitherArchiveIsOverwritten() throws Exception {
        String url = ledger();
        cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());
        String firstSha = Files.readString(dir.resolve("agent_usage_y2026m06.manifest.json"));
        // A late event for June: the sink recreates the month's partition for it.
        try (PostgresWriter writer =
                new PostgresWriter(url, null, null, new SchemaMigrator("agent_usage", "budget_alerts"))) {
            writer.write(
                    UsageRows.table("agent_usage"),
                    Ledgers.rows("""
                        event_id occurred_at          agent user_id team_id session_id provider model  model_key company cost_source input_tokens output_tokens input_cost_usd output_cost_usd total_cost_usd task_type status
                        late     2026-06-15T12:00:00Z coder carol   support carol-1    openai   gpt-4o gpt-4o    OpenAI  CATALOG     10           10            0.1            0.2             0.3            bug_fix   success
                        """),
                    p -> p.event().timestamp());
        }

        Cli again = cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("archived 2026-06: 1 rows, $0.30");
        assertThat(Files.readString(dir.resolve("agent_usage_y2026m06.manifest.json")))
                .isEqualTo(firstSha);
        assertThat(Files.readString(dir.resolve("agent_usage_y2026m06.g2.manifest.json")))
                .contains("\"rowCount\" : 1", "\"generation\" : 2", "\"file\" : \"agent_usage_y2026m06.g2.csv.gz\"");
        assertThat(cli(
                                url,
                                "archive",
                                "restore",
                                dir.resolve("agent_usage_y2026m06.g2.csv.gz").toString(),
                                "--dir",
                                dir.toString())
                        .out())
                .startsWith("restored agent_usage_y2026m06: 1 rows inserted");
        assertThat(cli(
                                url,
                                "archive",
                                "restore",
                                dir.resolve("agent_usage_y2026m06.csv.gz").toString(),
                                "--dir",
                                dir.toString())
                        .out())
                .startsWith("restored agent_usage_y2026m06: 2 rows inserted");
        assertThat(query(url, "SELECT count(*) FROM agent_usage_y2026m06")).isEqualTo("3");
    }

    @Test
    void aManifestNamingAnotherRelationIsRefusedBeforeAnySql() throws Exception {
        String url = ledger();
        cli(url, "archive", "--older-than", "90d", "--dir", dir.toString());
        Path manifest = dir.resolve("agent_usage_y2026m06.manifest.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace(
                                "\"partition\" : \"agent_usage_y2026m06\"",
                                "\"partition\" : \"pg_authid; DROP TABLE agent_usage\""));

        Cli restore = cli(url, "archive", "restore", manifest.toString(), "--dir", dir.toString());

        assertThat(restore.exitCode()).isNotZero();
        assertThat(restore.err())
                .contains(
                        "is not a usable agentmeter-archive/1 manifest of agent_usage",
                        "partition pg_authid; DROP TABLE agent_usage is not a monthly partition of agent_usage");
        assertThat(query(url, "SELECT count(*) FROM agent_usage")).isEqualTo("1");
    }

    @Test
    void priceDriftViewCountsProviderCostsMoreThanOnePercentFromTheCatalog() throws Exception {
        String url = Ledgers.create(
                pg,
                "drift_" + ++databases,
                List.of(
                        provider("d1", "0.0101", "0.01"),
                        provider("d2", "0.0102", "0.01"),
                        provider("d3", "0.02", "0.01")));
        assertThat(query(
                        url,
                        "SELECT day || ' ' || model_key || ' ' || provider || ' ' || provider_priced_events || ' '"
                                + " || drifted_events || ' ' || difference_usd FROM price_drift_by_model"))
                .isEqualTo("2026-11-02 claude-sonnet-4-5 openrouter 3 2 0.0103");
    }

    private static PricedUsage provider(String id, String billed, String catalog) {
        UsageEvent e = UsageEvent.builder()
                .eventId(id)
                .timestamp(Instant.parse("2026-11-02T10:00:00Z"))
                .kind("llm")
                .agent("a")
                .provider("openrouter")
                .model("anthropic/claude-sonnet-4.5")
                .usage(Usage.of(1000, 100))
                .providerCostUsd(new BigDecimal(billed))
                .build();
        return new PricedUsage(
                e,
                new Pricing(
                        "claude-sonnet-4-5", "Anthropic", "openrouter", CostSource.PROVIDER, null, false, "USD", null),
                new Cost(
                        new BigDecimal(catalog),
                        BigDecimal.ZERO,
                        BigDecimal.ZERO,
                        BigDecimal.ZERO,
                        new BigDecimal(billed),
                        new BigDecimal(catalog)),
                Instant.parse("2026-11-02T10:00:00Z"));
    }

    // ------------------------------------------------------------------ reconcile

    private static PricedUsage api(String id, String at, String provider, String service, String usd) {
        UsageEvent e = UsageEvent.builder()
                .eventId(id)
                .timestamp(Instant.parse(at))
                .kind("api")
                .agent("researcher")
                .provider(provider)
                .api(new ApiCall(service, "server_tool_use.web_search_requests", null, new BigDecimal(usd)))
                .build();
        BigDecimal total = new BigDecimal(usd);
        return new PricedUsage(
                e,
                new Pricing(null, null, provider, CostSource.API, null, false, "USD", null),
                new Cost(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, total, total),
                Instant.parse(at));
    }

    /** A chat call of 100 in and 10 out tokens at {@code usd}, all on the input side. */
    private static PricedUsage llm(String id, String at, String provider, String model, String modelKey, String usd) {
        return Ledgers.rows("""
                event_id occurred_at agent user_id team_id session_id provider model model_key company input_tokens output_tokens total_cost_usd task_type
                %s       %s          agent u       t       u-1        %s       %s    %s        -       100          10            %s             chat
                """.formatted(id, at, provider, model, modelKey, usd))
                .get(0);
    }

    private static String tracked() throws Exception {
        return Ledgers.create(
                pg,
                "reconcile_" + ++databases,
                List.of(
                        llm("o1", "2026-11-02T09:00:00Z", "openai", "gpt-4o-2024-08-06", "gpt-4o", "0.70"),
                        llm("o2", "2026-11-02T17:00:00Z", "openai", "gpt-4o-2024-08-06", "gpt-4o", "0.50"),
                        llm("o3", "2026-11-02T10:00:00Z", "openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "0.30"),
                        llm("o4", "2026-11-03T10:00:00Z", "openai", "gpt-4o-2024-08-06", "gpt-4o", "1.00"),
                        llm("o5", "2026-11-03T23:59:59Z", "openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "0.25"),
                        llm(
                                "a1",
                                "2026-11-02T12:00:00Z",
                                "anthropic",
                                "claude-sonnet-4-5-20250929",
                                "claude-sonnet-4-5",
                                "2.00"),
                        api("a2", "2026-11-02T12:00:01Z", "anthropic", "anthropic-web-search", "0.03"),
                        llm(
                                "a3",
                                "2026-11-03T12:00:00Z",
                                "anthropic",
                                "claude-haiku-4-5-20251001",
                                "claude-haiku-4-5",
                                "0.50"),
                        llm(
                                "a4",
                                "2026-11-04T12:00:00Z",
                                "anthropic",
                                "claude-sonnet-4-5-20250929",
                                "claude-sonnet-4-5",
                                "1.00"),
                        llm(
                                "b1",
                                "2026-11-02T08:00:00Z",
                                "aws-bedrock",
                                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                "claude-sonnet-4-5-bedrock-regional",
                                "1.50"),
                        llm(
                                "b2",
                                "2026-11-02T08:00:00Z",
                                "aws-bedrock",
                                "anthropic.claude-haiku-4-5-20251001-v1:0",
                                "claude-haiku-4-5",
                                "0.20"),
                        llm(
                                "b3",
                                "2026-11-03T08:00:00Z",
                                "aws-bedrock",
                                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                "claude-sonnet-4-5-bedrock-regional",
                                "0.80"),
                        llm(
                                "b4",
                                "2026-11-03T08:00:00Z",
                                "aws-bedrock",
                                "anthropic.claude-haiku-4-5-20251001-v1:0",
                                "claude-haiku-4-5",
                                "0.10"),
                        llm("x1", "2026-11-05T08:00:00Z", "openai", "gpt-4o-2024-08-06", "gpt-4o", "9.99")));
    }

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(BooksIT.class.getResource("/reconcile/" + name).toURI()).toString();
    }

    @Test
    void openAiCostsExportReconcilesPerDayAndModel() throws Exception {
        Cli result = cli(
                tracked(), "reconcile", "--source", "openai-costs", fixture("openai-costs.json"), "--output", "csv");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                day,model,account,billed_usd,tracked_usd,difference_usd,status
                2026-11-02,gpt-4o,,1.2,1.2,0,MATCH
                2026-11-02,gpt-4o-mini,,0.3,0.3,0,MATCH
                2026-11-03,gpt-4o,,1.1,1,-0.1,MISMATCH
                2026-11-03,gpt-4o-mini,,0.251,0.25,-0.001,MATCH
                2026-11-04,gpt-4o,,0.8,,-0.8,ONLY_BILLED
                """);
    }

    @Test
    void recordKeepsTheRunsTotalsForTheCaptureRateMetric() throws Exception {
        String url = tracked();

        Cli result = cli(
                url,
                "reconcile",
                "--source",
                "openai-costs",
                fixture("openai-costs.json"),
                "--output",
                "csv",
                "--record");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("recorded in reconciliation_runs");
        assertThat(
                        query(
                                url,
                                "SELECT source || ' ' || from_day || ' ' || to_day || ' ' || billed_usd || ' ' || tracked_usd"
                                        + " || ' ' || capture_rate_percent || ' ' || tolerance_percent || ' ' || discrepancies FROM reconciliation_runs"))
                .isEqualTo("openai-costs 2026-11-02 2026-11-04 3.651 2.75 75.32 1 2");
    }

    @Test
    void daysReplacesFromAndTo() throws Exception {
        Cli result = cli(
                tracked(), "reconcile", "--source", "openai-costs", "--fetch", "--days", "3", "--from", "2026-11-02");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--days N (1 or more) replaces --from and --to");
    }

    @Test
    void openAiTableShowsCaptureRatePerDayAndOnlyTheDiscrepancies() throws Exception {
        Cli result = cli(tracked(), "reconcile", "--source", "openai-costs", fixture("openai-costs.json"));

        assertThat(result.out())
                .isEqualTo(String.join(
                        "\n",
                        "Reconciliation against openai-costs, 2026-11-02 … 2026-11-04 (tolerance 1 %)",
                        "Billed $3.65   Tracked $2.75   Capture rate 75.32 %",
                        "",
                        String.format("%-10s %12s %12s %9s", "DAY", "BILLED", "TRACKED", "CAPTURE"),
                        String.format("%-10s %12s %12s %9s", "2026-11-02", "$1.50", "$1.50", "100.00 %"),
                        String.format("%-10s %12s %12s %9s", "2026-11-03", "$1.35", "$1.25", "92.52 %"),
                        String.format("%-10s %12s %12s %9s", "2026-11-04", "$0.80", "$0.00", "0.00 %"),
                        "",
                        "2 discrepancies:",
                        String.format(
                                "%-10s %-28s %-16s %12s %12s %12s  %s",
                                "DAY", "MODEL", "ACCOUNT", "BILLED", "TRACKED", "DIFFERENCE", "STATUS"),
                        String.format(
                                "%-10s %-28s %-16s %12s %12s %12s  %s",
                                "2026-11-03", "gpt-4o", "", "$1.10", "$1.00", "-$0.10", "mismatch"),
                        String.format(
                                "%-10s %-28s %-16s %12s %12s %12s  %s",
                                "2026-11-04", "gpt-4o", "", "$0.80", "–", "-$0.80", "only billed"),
                        ""));
    }

    @Test
    void anthropicCostReportInCentsWithWebSearchAndAMissingDay() throws Exception {
        Cli result = cli(
                tracked(),
                "reconcile",
                "--source",
                "anthropic-cost-report",
                fixture("anthropic-cost-report.json"),
                "--to",
                "2026-11-04",
                "--output",
                "csv");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                day,model,account,billed_usd,tracked_usd,difference_usd,status
                2026-11-02,api:anthropic-web-search,,0.03,0.03,0,MATCH
                2026-11-02,claude-sonnet-4-5,,2,2,0,MATCH
                2026-11-03,claude-haiku-4-5,,0.55,0.5,-0.05,MISMATCH
                2026-11-04,claude-sonnet-4-5,,,1,1,ONLY_TRACKED
                """);
    }

    @Test
    void anthropicCaptureRateInJsonIsExact() throws Exception {
        Cli result = cli(
                tracked(),
                "reconcile",
                "--source",
                "anthropic-cost-report",
                fixture("anthropic-cost-report.json"),
                "--to",
                "2026-11-04",
                "--output",
                "json");

        assertThat(result.out())
                .contains(
                        "\"billedUsd\" : \"2.58\"", "\"trackedUsd\" : \"3.53\"", "\"captureRatePercent\" : \"136.82\"");
    }

    @Test
    void awsCurBedrockLinesByInferenceProfileAndFoundationModel() throws Exception {
        Cli result = cli(tracked(), "reconcile", "--source", "aws-cur", fixture("aws-cur.csv"), "--output", "csv");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                day,model,account,billed_usd,tracked_usd,difference_usd,status
                2026-11-02,claude-haiku-4-5,,0.2,0.2,0,MATCH
                2026-11-02,claude-sonnet-4-5-bedrock-regional,,1.5,1.5,0,MATCH
                2026-11-03,claude-haiku-4-5,,,0.1,0.1,ONLY_TRACKED
                2026-11-03,claude-sonnet-4-5-bedrock-regional,,1,0.8,-0.2,MISMATCH
                2026-11-04,claude-sonnet-4-5-bedrock-regional,,0.4,,-0.4,ONLY_BILLED
                """);
        assertThat(cli(tracked(), "reconcile", "--source", "aws-cur", fixture("aws-cur.csv"))
                        .out())
                .contains("Billed $3.10   Tracked $2.60   Capture rate 83.87 %");
    }

    @Test
    void aCur2ParquetExportMapsEveryBedrockFormToItsModelAndKeepsWhatIsNotModelUsage() throws Exception {
        // Written by a real Parquet writer (DuckDB), with CUR 2.0's map column for the product attributes.
        Path parquet = dir.resolve("cur2.parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT identity_line_item_id, line_item_line_item_type,"
                    + " CAST(line_item_usage_start_date AS TIMESTAMP) AS line_item_usage_start_date, line_item_product_code,"
                    + " line_item_usage_type, line_item_resource_id, CAST(line_item_unblended_cost AS DECIMAL(18,10)) AS line_item_unblended_cost,"
                    + " line_item_line_item_description,"
                    + " MAP {'product_name': product_name, 'servicecode': product_servicecode} AS product"
                    + " FROM read_csv('" + fixture("aws-cur2-bedrock.csv") + "', all_varchar = true, header = true))"
                    + " TO '" + parquet + "' (FORMAT parquet)");
        }
        String url = Ledgers.create(
                pg,
                "reconcile_" + ++databases,
                List.of(
                        llm(
                                "g1",
                                "2026-11-02T08:00:00Z",
                                "aws-bedrock",
                                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                "claude-sonnet-4-5",
                                "0.30"),
                        llm(
                                "g2",
                                "2026-11-02T09:00:00Z",
                                "aws-bedrock",
                                "amazon.nova-pro-v1:0",
                                "amazon.nova-pro-v1:0",
                                "0.40"),
                        llm(
                                "g3",
                                "2026-11-02T10:00:00Z",
                                "aws-bedrock",
                                "anthropic.claude-3-haiku-20240307-v1:0",
                                "claude-3-haiku",
                                "0.10")));

        Cli result = cli(url, "reconcile", "--source", "aws-cur", parquet.toString(), "--output", "csv");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                day,model,account,billed_usd,tracked_usd,difference_usd,status
                2026-11-02,amazon.nova-pro-v1:0,,0.4,0.4,0,MATCH
                2026-11-02,api:bedrock-guardrails,,0.15,,-0.15,ONLY_BILLED
                2026-11-02,claude-3-haiku,,0.1,0.1,0,MATCH
                2026-11-02,claude-sonnet-4-5,,0.3,0.3,0,MATCH
                """);
    }
}
