package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.sink.Ledgers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** report and what-if against rows with known costs in a real PostgreSQL (schema from the sink's migrations). */
class ReportIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    static String url;
    static final String HEADER =
            "KEY,events,cost_usd,share_percent,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
                    + "reasoning_tokens,cache_savings_usd,error_rate_percent,latency_p50_ms,latency_p95_ms\n";

    @BeforeAll
    static void seed() throws Exception {
        // r1 to r3 lie relative to today, for the scripts' --today, --yesterday and --last (UTC days). w1 to w3: a
        // workflow (issue 23's example): Triage hands off to TechnicalSupport in session wf-1; wf-2 never hands off.
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        url = Ledgers.create(pg, "report_it", """
                event_id occurred_at          agent            user_id team_id  session_id handoff_chain provider  model                      model_key         company   cost_source input_tokens output_tokens input_cost_usd output_cost_usd total_cost_usd task_type   status
                e1       2026-11-02T10:00:00Z coder            alice   support  alice-1    -             openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.0025         0.001           0.0035         bug_fix     success
                e2       2026-11-03T23:59:59Z coder            bob     support  bob-1      -             anthropic claude-sonnet-4-5-20250929 claude-sonnet-4-5 Anthropic CATALOG     2000         200           0.006          0.003           0.009          code_review success
                e3       2026-11-03T12:00:00Z triage           alice   platform alice-1    -             acme      acme-large-2               -                 -         DEFAULT     1000         1000          0.003          0.015           0.018          bug_fix     error
                e4       2026-11-08T00:00:00Z coder            alice   support  alice-1    -             openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.5            0.5             1.00           bug_fix     success
                w1       2026-11-10T09:00:00Z Triage           carol   -        wf-1       -             openai    gpt-4o-mini                gpt-4o-mini       OpenAI    CATALOG     10           10            0.000015       0               0.000015       -           success
                w2       2026-11-10T09:00:05Z TechnicalSupport carol   -        wf-1       Triage        openai    gpt-4o-mini                gpt-4o-mini       OpenAI    CATALOG     10           10            0.000125       0               0.000125       -           success
                w3       2026-11-10T10:00:00Z Triage           carol   -        wf-2       -             openai    gpt-4o-mini                gpt-4o-mini       OpenAI    CATALOG     10           10            0.00002        0               0.00002        -           success
                r1       %s                   marcus           zoe     sales    zoe-1      -             openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.2            0.05            0.25           chat        success
                r2       %s                   marcus           zoe     sales    zoe-1      -             anthropic claude-sonnet-4-5-20250929 claude-sonnet-4-5 Anthropic CATALOG     1000         100           0.4            0.1             0.5            chat        success
                r3       %s                   ada              yuki    sales    yuki-1     -             openai    gpt-4o                     gpt-4o            OpenAI    CATALOG     1000         100           0.8            0.2             1.00           chat        success
                """.formatted(
                        today.plusSeconds(1),
                        today.minus(Duration.ofHours(12)),
                        today.minus(Duration.ofDays(5)).plusSeconds(3600)));
    }

    /** Runs the command on the seeded database as it is given (no window added). */
    private static Cli plain(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pg-url", url, "--skip-budgets"));
        Cli result = Cli.run(all.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }

    @Test
    void todayAsJsonLikeReportJs() {
        Cli result = plain("report", "--today", "--json");
        assertThat(result.out()).contains("\"totalCostUsd\" : \"0.25\"", "\"interactions\" : 1");
    }

    @Test
    void yesterdayBrokenDownByProviderAsCsv() {
        assertThat(plain("report", "--yesterday", "--breakdown", "provider", "--csv")
                        .out()
                        .lines()
                        .map(l -> l.split(",", 5))
                        .map(c -> c[0] + "," + c[1] + "," + c[2] + "," + c[3])
                        .toList())
                .containsExactly("provider,events,cost_usd,share_percent", "anthropic,1,0.5,100.0");
    }

    @Test
    void lastSevenDaysForOneAgentLikeReportJs() {
        Cli result = plain("report", "--agent", "marcus", "--last", "7d", "--json");
        assertThat(result.out()).contains("\"totalCostUsd\" : \"0.75\"", "\"interactions\" : 2");
    }

    @Test
    void topModelsOverTheLastWeek() {
        assertThat(plain("report", "--top-models", "--last", "1w", "--csv")
                        .out()
                        .lines()
                        .map(l -> l.split(",", 5))
                        .map(c -> c[0] + "," + c[1] + "," + c[2] + "," + c[3])
                        .toList())
                .containsExactly(
                        "model,events,cost_usd,share_percent", "gpt-4o,2,1.25,71.4", "claude-sonnet-4-5,1,0.5,28.6");
        assertThat(plain("report", "--top-models", "1", "--last", "1w", "--csv")
                        .out()
                        .lines()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void providerAndCompanyFiltersNarrowTheRows() {
        assertThat(plain("report", "--provider", "openai", "--last", "7d", "--group-by", "agent", "--csv")
                        .out()
                        .lines()
                        .map(l -> l.split(",", 5))
                        .map(c -> c[0] + "," + c[2])
                        .toList())
                .containsExactly("agent,cost_usd", "ada,1.00", "marcus,0.25");
        assertThat(plain("report", "--company", "Anthropic", "--last", "7d", "--json")
                        .out())
                .contains("\"totalCostUsd\" : \"0.5\"");
    }

    @Test
    void workflowsShowEachChainsCostAndEachAgentsShare() {
        Cli table = plain("report", "--group-by", "handoff", "--from", "2026-11-10", "--to", "2026-11-10");
        assertThat(table.out()
                        .lines()
                        .skip(1)
                        .map(String::strip)
                        .map(l -> l.replaceAll("\\s+", " "))
                        .toList())
                .containsExactly(
                        "Triage → TechnicalSupport: $0.00014, 1 session, 2 events, 87.5 % of all spend",
                        "TechnicalSupport 89.3 % $0.00012 (1 event)", "Triage 10.7 % $0.000015 (1 event)");
        Cli csv = plain("report", "--group-by", "handoff", "--from", "2026-11-10", "--to", "2026-11-10", "--csv");
        assertThat(csv.out().lines().toList())
                .containsExactly(
                        "chain,sessions,chain_events,chain_cost_usd,chain_share_percent,agent,agent_events,agent_cost_usd,agent_share_percent",
                        "Triage → TechnicalSupport,1,2,0.000140,87.5,TechnicalSupport,1,0.000125,89.3",
                        "Triage → TechnicalSupport,1,2,0.000140,87.5,Triage,1,0.000015,10.7");
    }

    @Test
    void weekAndMonthGroupings() {
        assertThat(cli("report", "--group-by", "week", "--csv")
                        .out()
                        .lines()
                        .map(l -> l.split(",", 5))
                        .map(c -> c[0] + "," + c[1] + "," + c[2])
                        .toList())
                .containsExactly("week,events,cost_usd", "2026-11-02,3,0.0305");
        assertThat(cli("report", "--group-by", "month", "--csv")
                        .out()
                        .lines()
                        .map(l -> l.split(",", 5))
                        .map(c -> c[0] + "," + c[1] + "," + c[2])
                        .toList())
                .containsExactly("month,events,cost_usd", "2026-11,3,0.0305");
    }

    @Test
    void groupsCarryTokensCacheSavingsErrorRateAndLatency() {
        assertThat(cli("report", "--group-by", "user", "--csv").out().lines().toList())
                .containsExactly(
                        "user,events,cost_usd,share_percent,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
                                + "reasoning_tokens,cache_savings_usd,error_rate_percent,latency_p50_ms,latency_p95_ms",
                        "alice,2,0.0215,70.5,2000,1100,0,0,0,0,50.0,100,100",
                        "bob,1,0.009,29.5,2000,200,0,0,0,0,0.0,100,100");
    }

    /** Runs the command on the seeded database for the first week of November 2026. */
    private static Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pg-url", url, "--from", "2026-11-01", "--to", "2026-11-07"));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void groupByModelAsJsonHasExactCostsAndShares() {
        Cli result = cli("report", "--group-by", "model", "--output", "json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().replaceAll("\\s", ""))
                .isEqualTo(
                        ("{\"window\":{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\",\"zone\":\"UTC\"},"
                                + "\"totalCostUsd\":\"0.0305\",\"interactions\":3,\"errors\":1,\"averagePerInteractionUsd\":\"0.010167\","
                                + "\"byModel\":[{\"key\":\"acme-large-2\",\"events\":1,\"costUsd\":\"0.018\",\"sharePercent\":\"59.0\","
                                + "\"tokens\":{\"input\":1000,\"output\":1000,\"cacheRead\":0,\"cacheWrite\":0,\"reasoning\":0},"
                                + "\"cacheSavingsUsd\":\"0\",\"errorRatePercent\":\"100.0\",\"latencyP50Ms\":100,\"latencyP95Ms\":100},"
                                + "{\"key\":\"claude-sonnet-4-5\",\"events\":1,\"costUsd\":\"0.009\",\"sharePercent\":\"29.5\","
                                + "\"tokens\":{\"input\":2000,\"output\":200,\"cacheRead\":0,\"cacheWrite\":0,\"reasoning\":0},"
                                + "\"cacheSavingsUsd\":\"0\",\"errorRatePercent\":\"0.0\",\"latencyP50Ms\":100,\"latencyP95Ms\":100},"
                                + "{\"key\":\"gpt-4o\",\"events\":1,\"costUsd\":\"0.0035\",\"sharePercent\":\"11.5\","
                                + "\"tokens\":{\"input\":1000,\"output\":100,\"cacheRead\":0,\"cacheWrite\":0,\"reasoning\":0},"
                                + "\"cacheSavingsUsd\":\"0\",\"errorRatePercent\":\"0.0\",\"latencyP50Ms\":100,\"latencyP95Ms\":100}]}"));
    }

    @Test
    void groupByDayAsCsvUsesCalendarDaysOfTheZone() {
        Cli utc = cli("report", "--group-by", "day", "--output", "csv");
        assertThat(utc.out())
                .isEqualTo(HEADER.replace("KEY", "day") + "2026-11-02,1,0.0035,11.5,1000,100,0,0,0,0,0.0,100,100\n"
                        + "2026-11-03,2,0.027,88.5,3000,1200,0,0,0,0,50.0,100,100\n");

        Cli berlin = cli("report", "--group-by", "day", "--output", "csv", "--zone", "Europe/Berlin");
        assertThat(berlin.out())
                .isEqualTo(
                        HEADER.replace("KEY", "day") + "2026-11-02,1,0.0035,11.5,1000,100,0,0,0,0,0.0,100,100\n"
                                + "2026-11-03,1,0.018,59.0,1000,1000,0,0,0,0,100.0,100,100\n2026-11-04,1,0.009,29.5,2000,200,0,0,0,0,0.0,100,100\n");
    }

    @Test
    void filtersNarrowTheRows() {
        Cli result = cli("report", "--group-by", "user", "--output", "csv", "--agent", "coder");
        assertThat(result.out())
                .isEqualTo(HEADER.replace("KEY", "user") + "bob,1,0.009,72.0,2000,200,0,0,0,0,0.0,100,100\n"
                        + "alice,1,0.0035,28.0,1000,100,0,0,0,0,0.0,100,100\n");
    }

    @Test
    void overviewListsModelsCompaniesTaskTypesAndUnpricedModels() {
        Cli result = cli("report", "--output", "csv", "--skip-budgets");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                section,key,events,cost_usd,share_percent
                total,all,3,0.0305,100
                model,acme-large-2,1,0.018,59.0
                model,claude-sonnet-4-5,1,0.009,29.5
                model,gpt-4o,1,0.0035,11.5
                company,unknown,1,0.018,59.0
                company,Anthropic,1,0.009,29.5
                company,OpenAI,1,0.0035,11.5
                task-type,bug_fix,2,0.0215,70.5
                task-type,code_review,1,0.009,29.5
                unpriced,acme/acme-large-2,1,0.018,59.0
                """);
    }

    @Test
    void whatIfInputPriceRiseOnOneModelChangesOnlyItsRows() {
        Cli result = cli("what-if", "--model", "gpt-4o", "--input-price-change", "+50%");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(comparison(result))
                .containsExactly(
                        "model events billed what-if delta delta %",
                        "acme-large-2 1 $0.02 $0.02 +$0.00 0.0%",
                        "claude-sonnet-4-5 1 $0.009 $0.009 +$0.00 0.0%",
                        "gpt-4o 1 $0.0035 $0.0048 +$0.0012 35.7%",
                        "total 3 $0.03 $0.03 +$0.0012 4.1%");
    }

    @Test
    void whatIfReplacingAModelRepricesItsTokensAtTheOtherModelsCatalogPrice() {
        Cli result = cli(
                "what-if",
                "--replace-model",
                "claude-sonnet-4-5=claude-haiku-4-5",
                "--group-by",
                "team",
                "--prices",
                "bundled");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(comparison(result))
                .containsExactly(
                        "team events billed what-if delta delta %",
                        "platform 1 $0.02 $0.02 +$0.00 0.0%",
                        "support 2 $0.01 $0.0065 -$0.006 -48.0%",
                        "total 3 $0.03 $0.02 -$0.006 -19.7%");
    }

    /** The what-if table without its month-end projection (which depends on today's date). */
    private static List<String> comparison(Cli result) {
        return result.out()
                .lines()
                .takeWhile(l -> !l.isBlank())
                .map(l -> l.replaceAll("\\s+", " ").trim())
                .toList();
    }

    @Test
    void whatIfTableEndsWithTheMonthEndProjection() {
        Cli result = cli("what-if", "--model", "gpt-4o", "--input-price-change", "+50%");
        assertThat(result.out()
                        .lines()
                        .toList()
                        .get(result.out().lines().toList().size() - 1))
                .matches(
                        "month-end projection at this month's pace \\(\\d+\\.\\d days so far\\): billed \\$\\S+, what-if \\$\\S+, [+-]\\$\\S+");
    }

    @Test
    void whatIfModelFamilyLikeSonnetMatchesEveryCatalogSonnet() {
        Cli result = cli("what-if", "--model", "sonnet", "--input-price-change", "+100%", "--output", "csv");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err())
                .startsWith("what-if: --model sonnet is the family ")
                .contains("claude-sonnet-4-5");
        assertThat(result.out()).isEqualTo("""
                model,events,billed_usd,what_if_usd,delta_usd
                acme-large-2,1,0.018,0.018,0
                claude-sonnet-4-5,1,0.009,0.015,0.006
                gpt-4o,1,0.0035,0.0035,0
                """);
    }

    @Test
    void whatIfWarnsWhenTheModelFilterMatchesNothing() {
        Cli result = cli("what-if", "--model", "nonesuch-9", "--input-price-change", "+50%");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err())
                .isEqualTo("what-if: warning: --model nonesuch-9 matches no usage in 2026-11-01 .. 2026-11-07"
                        + " and no model in the price catalog; nothing changes\n");
    }

    @Test
    void whatIfAsJsonHasExactTotalsAndTheProjection() {
        Cli result = cli("what-if", "--model", "claude-sonnet-4-5-20250929", "--input-price-change", "+100%", "--json");
        assertThat(result.out())
                .contains(
                        "\"total\" : {\n    \"events\" : 3,\n    \"billedUsd\" : \"0.0305\",\n"
                                + "    \"whatIfUsd\" : \"0.0365\",\n    \"deltaUsd\" : \"0.006\"",
                        "\"monthEndProjection\"");
    }
}
