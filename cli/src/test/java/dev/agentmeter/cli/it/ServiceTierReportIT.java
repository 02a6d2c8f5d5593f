package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.sink.Ledgers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reports by the tier a call was served at, and spend at a tier the catalog lacks shown like unpriced models. */
class ServiceTierReportIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    static String url;

    @BeforeAll
    static void seed() throws Exception {
        // t3: the catalog has no flex for gpt-4o, so it is priced at standard.
        url = Ledgers.create(pg, "service_tier_it", """
                event_id occurred_at          agent user_id provider  model             company   input_tokens output_tokens total_cost_usd service_tier priced_service_tier
                t1       2026-11-02T10:00:00Z coder alice   openai    gpt-4o            OpenAI    1000         100           0.01           -            standard
                t2       2026-11-02T10:00:00Z coder alice   openai    gpt-4o            OpenAI    1000         100           0.005          batch        batch
                t3       2026-11-02T10:00:00Z coder alice   openai    gpt-4o            OpenAI    1000         100           0.012          flex         standard
                t4       2026-11-02T10:00:00Z coder alice   anthropic claude-sonnet-4-5 Anthropic 1000         100           0.02           batch        batch
                """);
    }

    private static Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pg-url", url, "--from", "2026-11-01", "--to", "2026-11-07", "--skip-budgets", "--csv"));
        Cli result = Cli.run(all.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }

    /** Each line's first four columns: key, events, cost, share. */
    private static List<String> firstColumns(Cli result) {
        return result.out()
                .lines()
                .map(l -> String.join(",", Arrays.copyOf(l.split(","), 4)))
                .toList();
    }

    @Test
    void groupedByTierACallNamingNoTierIsStandard() {
        assertThat(firstColumns(cli("report", "--group-by", "service-tier")))
                .containsExactly(
                        "service-tier,events,cost_usd,share_percent",
                        "batch,2,0.025,53.2",
                        "flex,1,0.012,25.5",
                        "standard,1,0.01,21.3");
    }

    @Test
    void theStandardFilterKeepsCallsThatNamedNoTier() {
        assertThat(firstColumns(cli("report", "--group-by", "model", "--service-tier", "Standard")))
                .containsExactly("model,events,cost_usd,share_percent", "gpt-4o,1,0.01,100.0");
    }

    @Test
    void theOverviewListsSpendAtATierTheCatalogLacksAmongUnpricedModels() {
        assertThat(cli("report")
                        .out()
                        .lines()
                        .filter(l -> l.startsWith("unpriced,"))
                        .toList())
                .containsExactly("unpriced,openai/gpt-4o at flex (priced as standard),1,0.012,25.5");
    }
}
