package dev.agentmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Flags are checked before anything touches Kafka or Postgres: bad input is exit code 2 and one clear line. */
class CliUsageTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "up",
                "track",
                "report",
                "what-if",
                "prices",
                "budgets",
                "spend",
                "alerts",
                "load",
                "risks",
                "archive",
                "reconcile"
            })
    void everySubcommandHasHelp(String command) {
        Cli result = Cli.run(command, "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: agentmeter " + command);
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Cli result = Cli.run("frobnicate");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Unmatched argument at index 0: 'frobnicate'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "budgets set user:alice|give at least one limit: --hour, --day, --month or --session",
                "budgets set alice --day 5|scope 'alice' is not TYPE:ID (e.g. user:alice, global:*)",
                "budgets set user:alice --day -5|--day: the limit must be a positive amount in USD, not -5",
                "budgets set user:alice --session 5|--session applies to session scopes only, not user:alice",
                "budgets set user:alice --day 5 --thresholds 0.5,20|--thresholds: 20 is not a fraction of the limit in (0, 10], e.g. 0.8 for 80 %",
                "budgets|name a subcommand: list, set or delete",
                "track --model gpt-4o|give --input-tokens (and --output-tokens), or --prompt, --prompt-file or --prompt-length to estimate them",
                "track --model gpt-4o --store-prompt --prompt-length 5|--store-prompt needs --prompt or --prompt-file",
                "track --model gpt-4o --input-tokens 100 --output-tokens 5 --cache-read-tokens 200|usage.cacheReadTokens (200) exceeds usage.inputTokens (100); inputTokens must include cache reads and writes",
                "track --model gpt-4o --input-tokens 100 --response-time soon|--response-time: 'soon' is not seconds (2.5 or 2.5s) or milliseconds (2500ms)",
                "track --model gpt-4o --input-tokens 100 --status maybe|--status must be success or error, not maybe",
                "report --group-by color|--group-by must be one of model, company, provider, agent, user, team, task-type, session, service-tier, handoff, day, week, month, not color",
                "report --today --last 7d|choose one of --period, --today, --yesterday, --last and --from/--to",
                "report --last 7x|--last takes a count and a unit, e.g. 7d, 2w or 3m, not 7x",
                "report --json --csv|choose one of --output, --json and --csv",
                "report --top-models 3 --group-by user|--top-models groups by model; drop --group-by user",
                "track --model gpt-4o --input-tokens 100 --response-time -2|--response-time: '-2' is not seconds (2.5 or 2.5s) or milliseconds (2500ms)",
                "report --period fortnight|--period must be today, yesterday, last-7-days, last-30-days or this-month, not fortnight",
                "report --from 2026-11-01|--from and --to go together",
                "report --from 2026-11-10 --to 2026-11-01|--to 2026-11-01 is before --from 2026-11-10",
                "what-if --period today|give a change: --input-price-change, --output-price-change or --replace-model",
                "what-if --input-price-change lots|--input-price-change must look like +50% or -20%, not lots",
                "what-if --output-price-change -150%|--output-price-change cannot lower a price below zero: -150%",
                "what-if --replace-model gpt-4o|--replace-model must be A=B (e.g. gpt-4o=gpt-4o-mini), not gpt-4o",
                "what-if --replace-model gpt-4o=gpt-99 --prices bundled|--replace-model: gpt-99 is not in the price catalog",
                "up --duration soon|--duration: 'soon' is not a positive duration like 20s, 5m, 24h or PT1H",
                "up --reconcile-every 0s|--reconcile-every: '0s' is not a positive duration like 20s, 5m, 24h or PT1H",
                "load --events 0|--events and --users must be positive, --rate 0 or more",
                "prices set m --input -1 --output 2|--input is -1; a cost cannot be negative; nothing published",
                "prices set m --input 1e10000 --output 2|--input is 1E+10000; at most 1000000 is accepted; nothing published",
                "prices set m --input 1e-30 --output 2|--input is 0.000000000000000000000000000001; at most 18 digits after the decimal point are accepted; nothing published",
                "budgets set user:alice --day 2000000|--day is 2000000; at most 1000000 is accepted",
                "budgets set user:alice --day 1e-999999999|--day is 1E-999999999; at most 18 digits after the decimal point are accepted",
            })
    void badInputIsExitCodeTwoWithAClearMessage(String args, String message) {
        Cli result = Cli.run(args.split(" "));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith(message + System.lineSeparator());
    }

    @Test
    void versionIsTheBuildsEvenWithoutAJarManifest() {
        // Tests run from target/classes, without the jar's manifest, as an image's classes do.
        Cli result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().trim()).matches("agentmeter \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
