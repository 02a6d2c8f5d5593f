package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
        url = Ledgers.create(
                pg,
                "service_tier_it",
                List.of(
                        row("t1", "gpt-4o", "OpenAI", null, "standard", "0.01"),
                        row("t2", "gpt-4o", "OpenAI", "batch", "batch", "0.005"),
                        row(
                                "t3",
                                "gpt-4o",
                                "OpenAI",
                                "flex",
                                "standard",
                                "0.012"), // the catalog has no flex for gpt-4o
                        row("t4", "claude-sonnet-4-5", "Anthropic", "batch", "batch", "0.02")));
    }

    static PricedUsage row(
            String id, String model, String company, String servedTier, String pricedTier, String total) {
        Instant at = Instant.parse("2026-11-02T10:00:00Z");
        UsageEvent e = UsageEvent.builder()
                .eventId(id)
                .timestamp(at)
                .kind("llm")
                .agent("coder")
                .userId("alice")
                .provider(company.toLowerCase(Locale.ROOT))
                .model(model)
                .usage(Usage.of(1000, 100))
                .serviceTier(servedTier)
                .call(new Call("generate", null, 100L, "success", null, null))
                .build();
        Pricing pricing =
                new Pricing(model, company, e.provider(), CostSource.CATALOG, null, false, pricedTier, "USD", null);
        BigDecimal t = new BigDecimal(total);
        return new PricedUsage(e, pricing, new Cost(t, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, t, t), at);
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
