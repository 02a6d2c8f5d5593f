package dev.agentmeter.cli.kafka;

import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.SubcommandGroup;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.Bounds;
import dev.agentmeter.model.validation.BudgetValidator;
import dev.agentmeter.model.validation.Violation;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Budgets live on the compacted budgets topic, keyed by scope; the processor picks changes up live. */
@Command(
        name = "budgets",
        mixinStandardHelpOptions = true,
        description = "List, set or delete budgets.",
        subcommands = {
            BudgetsCommand.ListBudgets.class,
            BudgetsCommand.SetBudget.class,
            BudgetsCommand.DeleteBudget.class
        })
public final class BudgetsCommand extends SubcommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show every budget on the topic.")
    static final class ListBudgets implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            Map<String, byte[]> budgets = KafkaIo.readCompacted(endpoints.kafka, Topics.BUDGETS);
            if (budgets.isEmpty()) {
                spec.commandLine().getOut().println("no budgets");
                return;
            }
            for (byte[] value : budgets.values()) {
                Budget b = ContractJson.fromBytes(value, Budget.class);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "%-28s %s  thresholds %s%s%s%n",
                                b.scope(),
                                b.limits().entrySet().stream()
                                        .map(e ->
                                                e.getKey() + " $" + e.getValue().toPlainString())
                                        .collect(Collectors.joining(", ")),
                                b.thresholds().stream()
                                        .map(BigDecimal::toPlainString)
                                        .collect(Collectors.joining(",")),
                                b.zone() == null ? "" : "  zone " + b.zone(),
                                b.forecasting() ? "  forecast" : "");
            }
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description =
                    "Create or replace the budget of a scope, e.g. budgets set user:alice --day 10.00 --month 150.")
    static final class SetBudget implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SCOPE",
                description = "TYPE:ID: global:*, team:ID, agent:ID, user:ID, session:ID")
        String scope;

        @Option(names = "--hour", paramLabel = "USD")
        BigDecimal hour;

        @Option(names = "--day", paramLabel = "USD")
        BigDecimal day;

        @Option(names = "--month", paramLabel = "USD")
        BigDecimal month;

        @Option(names = "--session", paramLabel = "USD", description = "Per session lifetime (session scopes only).")
        BigDecimal session;

        @Option(
                names = "--thresholds",
                split = ",",
                paramLabel = "FRACTION",
                description = "Fractions of the limit that raise an alert (default 0.5,0.8,1.0).")
        List<BigDecimal> thresholds = new ArrayList<>();

        @Option(
                names = "--zone",
                paramLabel = "ZONE",
                description = "Time zone of its HOUR/DAY/MONTH windows, e.g."
                        + " America/New_York (default: the processor's).")
        String zone;

        @Option(
                names = "--forecast",
                description = "Alert (FORECAST) when spend is heading past a limit before the window ends.")
        boolean forecast;

        @Override
        public void run() {
            Budget budget = build(spec, scope, hour, day, month, session, thresholds, zone, forecast);
            KafkaIo.publish(endpoints.kafka, Topics.BUDGETS, budget.scope().toString(), ContractJson.toBytes(budget));
            spec.commandLine().getOut().println("budget set: " + ContractJson.toJson(budget));
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Remove the budget of a scope (a tombstone).")
    static final class DeleteBudget implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SCOPE")
        String scope;

        @Override
        public void run() {
            Scope parsed = parseScope(spec, scope);
            KafkaIo.publish(endpoints.kafka, Topics.BUDGETS, parsed.toString(), null);
            spec.commandLine().getOut().println("budget deleted: " + parsed);
        }
    }

    /** Validates the flags into a Budget; every mistake is a usage error naming the flag. */
    static Budget build(
            CommandSpec spec,
            String scopeText,
            BigDecimal hour,
            BigDecimal day,
            BigDecimal month,
            BigDecimal session,
            List<BigDecimal> thresholds,
            String zone,
            boolean forecast) {
        Scope scope = parseScope(spec, scopeText);
        Map<Period, BigDecimal> limits = new EnumMap<>(Period.class);
        put(spec, limits, Period.HOUR, "--hour", hour);
        put(spec, limits, Period.DAY, "--day", day);
        put(spec, limits, Period.MONTH, "--month", month);
        put(spec, limits, Period.SESSION, "--session", session);
        if (limits.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "give at least one limit: --hour, --day, --month or --session");
        }
        if (session != null && scope.type() != ScopeType.SESSION) {
            throw new ParameterException(spec.commandLine(), "--session applies to session scopes only, not " + scope);
        }
        for (BigDecimal t : thresholds) {
            if (t.signum() <= 0 || t.compareTo(BigDecimal.TEN) > 0) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--thresholds: " + Bounds.describe(t)
                                + " is not a fraction of the limit in (0, 10], e.g. 0.8 for 80 %");
            }
        }
        if (zone != null) {
            try {
                zone = ZoneId.of(zone).getId();
            } catch (DateTimeException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--zone: not a time zone: " + zone + " (e.g. UTC, Europe/Berlin, America/New_York)");
            }
        }
        Budget budget = new Budget(scope, limits, thresholds, zone, forecast ? Boolean.TRUE : null);
        // The contract's bounds, refused here before anything is published (the processor would reject it).
        List<Violation> bad = BudgetValidator.validate(budget);
        if (!bad.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    bad.stream()
                            .map(v -> v.message()
                                    .replace("limits.HOUR", "--hour")
                                    .replace("limits.DAY", "--day")
                                    .replace("limits.MONTH", "--month")
                                    .replace("limits.SESSION", "--session"))
                            .collect(Collectors.joining("; ")));
        }
        return budget;
    }

    private static void put(
            CommandSpec spec, Map<Period, BigDecimal> limits, Period period, String flag, BigDecimal usd) {
        if (usd == null) {
            return;
        }
        if (usd.signum() <= 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    flag + ": the limit must be a positive amount in USD, not " + Bounds.describe(usd));
        }
        limits.put(period, usd);
    }

    static Scope parseScope(CommandSpec spec, String text) {
        try {
            return Scope.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
