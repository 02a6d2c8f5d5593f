package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.sink.Ledgers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentmeter risks} on a fixed month of usage (2026-10-06 … 2026-11-02, 28 days) in a real
 * PostgreSQL: every finding with its exact figures.
 */
class RisksIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    static String url;

    @BeforeAll
    static void seed() throws Exception {
        // r1: a spike day, one large gpt-4o call on bug_fix, where gpt-4o-mini also serves bug_fix, without cache
        // reads. r3 to r6: the last week grows, triage starts.
        url = Ledgers.create(pg, "risks_it", """
                event_id occurred_at          agent  user_id team_id session_id provider  model                      model_key         company   cost_source input_tokens output_tokens input_cost_usd output_cost_usd total_cost_usd task_type status
                r1       2026-10-10T10:00:00Z coder  ann     dev     ann-1      openai    gpt-4o-2024-08-06          gpt-4o            OpenAI    CATALOG     100_000      1000          0.25           0.01            0.26           bug_fix   success
                r2       2026-10-22T10:00:00Z coder  ann     dev     ann-1      openai    gpt-4o-mini-2024-07-18     gpt-4o-mini       OpenAI    CATALOG     10_000       1000          0.0015         0.0006          0.0021         bug_fix   success
                r3       2026-10-28T10:00:00Z triage bo      support bo-1       anthropic claude-sonnet-4-5-20250929 claude-sonnet-4-5 Anthropic CATALOG     20_000       2000          0.06           0.03            0.09           chat      success
                r4       2026-10-29T10:00:00Z triage bo      support bo-1       anthropic claude-sonnet-4-5-20250929 claude-sonnet-4-5 Anthropic CATALOG     20_000       2000          0.06           0.03            0.09           chat      success
                r5       2026-10-30T10:00:00Z triage bo      support bo-1       acme      acme-large-2               -                 -         DEFAULT     1000         1000          0.003          0.015           0.018          chat      success
                r6       2026-10-31T10:00:00Z triage bo      support bo-1       anthropic claude-3-5-sonnet-20241022 claude-3-5-sonnet Anthropic CATALOG     10_000       1000          0.03           0.015           0.045          chat      success
                """);
    }

    private static Cli risks(String... more) {
        List<String> all =
                new ArrayList<>(List.of("risks", "--pg-url", url, "--from", "2026-10-06", "--to", "2026-11-02"));
        all.addAll(List.of(more));
        Cli result = Cli.run(all.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }

    @Test
    void everyFindingWithItsExactFiguresAsCsv() {
        assertThat(risks("--output", "csv").out()).isEqualTo("""
                category,subject,spend_usd,finding,action,savings_usd
                price-exposure,company OpenAI,0.2621,"30-day run rate $0.28; a price rise adds a month +10 %: +$0.03, +50 %: +$0.14, +100 %: +$0.28","largest exposure: agree committed-use or batch pricing, and keep a tested fallback model",
                price-exposure,company Anthropic,0.225,"30-day run rate $0.24; a price rise adds a month +10 %: +$0.02, +50 %: +$0.12, +100 %: +$0.24",watch this company's price announcements,
                price-exposure,company unknown,0.018,"30-day run rate $0.02; a price rise adds a month +10 %: +$0.0019, +50 %: +$0.0096, +100 %: +$0.02",watch this company's price announcements,
                price-exposure,provider openai,0.2621,"30-day run rate $0.28; a price rise adds a month +10 %: +$0.03, +50 %: +$0.14, +100 %: +$0.28","largest exposure: agree committed-use or batch pricing, and keep a tested fallback model",
                price-exposure,provider anthropic,0.225,"30-day run rate $0.24; a price rise adds a month +10 %: +$0.02, +50 %: +$0.12, +100 %: +$0.24",watch this provider's price announcements,
                price-exposure,provider acme,0.018,"30-day run rate $0.02; a price rise adds a month +10 %: +$0.0019, +50 %: +$0.0096, +100 %: +$0.02",watch this provider's price announcements,
                price-exposure,model gpt-4o,0.26,"30-day run rate $0.28; a price rise adds a month +10 %: +$0.03, +50 %: +$0.14, +100 %: +$0.28","largest exposure: agree committed-use or batch pricing, and keep a tested fallback model",
                price-exposure,model claude-sonnet-4-5,0.18,"30-day run rate $0.19; a price rise adds a month +10 %: +$0.02, +50 %: +$0.10, +100 %: +$0.19",watch this model's price announcements,
                price-exposure,model claude-3-5-sonnet,0.045,"30-day run rate $0.05; a price rise adds a month +10 %: +$0.0048, +50 %: +$0.02, +100 %: +$0.05",watch this model's price announcements,
                price-exposure,model acme-large-2,0.018,"30-day run rate $0.02; a price rise adds a month +10 %: +$0.0019, +50 %: +$0.0096, +100 %: +$0.02",watch this model's price announcements,
                price-exposure,model gpt-4o-mini,0.0021,"30-day run rate $0.0022; a price rise adds a month +10 %: +$0.00022, +50 %: +$0.0011, +100 %: +$0.0022",watch this model's price announcements,
                vendor-concentration,all companies,0.5051,"OpenAI 51.9 %, Anthropic 44.5 %, unknown 3.6 %; HHI 4690 (highly concentrated)",qualify a second vendor for OpenAI's largest task types; keep prompts portable,
                availability,model acme/acme-large-2,0.018,"priced at the default price: the catalog does not know this model, so its cost is a guess",add its price: agentmeter prices set acme-large-2 --input … --output …,
                availability,model claude-3-5-sonnet,0.045,retired on 2025-10-22: its calls may already fail,move its traffic to claude-sonnet-4-5 (what-if --replace-model claude-3-5-sonnet=claude-sonnet-4-5),
                usage-growth,all usage,0.243,"$0.24 in the last 7 days, +11471.4 % on the 7 before ($0.0021)",largest increase: agent triage +$0.24; set a budget on it (agentmeter budgets set agent:triage --day …),
                usage-spike,day 2026-10-10,0.26,"$0.26, 3.9× the median day ($0.07)",look at agent coder ($0.26 that day); a session budget caps runaway loops,
                model-switch,task bug_fix: gpt-4o → gpt-4o-mini,0.26,$0.26 per call with gpt-4o against $0.0021 with gpt-4o-mini on the same task type (1 call),try gpt-4o-mini for bug_fix (what-if --replace-model gpt-4o=gpt-4o-mini --task-type bug_fix),0.2444
                low-cache-hits,model gpt-4o,0.26,"cache reads are 0.0 % of 100,000 input tokens","cache stable prompt prefixes (system prompt, tools); the figure is the saving if half the uncached input were cache reads",0.0625
                """);
    }

    @Test
    void theTableGroupsFindingsByCategoryWithTheirActionAndSavings() {
        String out = risks().out();
        assertThat(out)
                .startsWith(
                        "Risks, 2026-10-06 .. 2026-11-02 (18 findings)\n\nPRICE EXPOSURE\n  company OpenAI ($0.26)\n");
        assertThat(out).contains("""
                MODEL SWITCH
                  task bug_fix: gpt-4o → gpt-4o-mini ($0.26)
                    $0.26 per call with gpt-4o against $0.0021 with gpt-4o-mini on the same task type (1 call)
                    → try gpt-4o-mini for bug_fix (what-if --replace-model gpt-4o=gpt-4o-mini --task-type bug_fix) — saves $0.24
                """);
    }

    @Test
    void filtersNarrowTheAssessmentAndJsonIsExact() {
        String out = risks("--team", "dev", "--json").out();
        assertThat(out)
                .contains(
                        "\"category\" : \"model-switch\"",
                        "\"savingsUsd\" : \"0.2444\"",
                        "\"finding\" : \"OpenAI 100.0 %; HHI 10000 (highly concentrated)\"");
        assertThat(out).doesNotContain("triage");
    }

    @Test
    void aCallersDeprecationListReplacesTheBundledOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("deprecations.json");
        Files.writeString(file, "[{\"model\": \"gpt-4o\", \"retires\": \"2099-02-01\", \"replacement\": \"gpt-5\"}]");

        String out = risks("--deprecations", file.toString(), "--output", "csv").out();

        assertThat(out)
                .contains("availability,model gpt-4o,0.26,retires on 2099-02-01,move its traffic to gpt-5"
                        + " (what-if --replace-model gpt-4o=gpt-5),\n");
        assertThat(out).doesNotContain("claude-3-5-sonnet,0.045,retired");
    }
}
