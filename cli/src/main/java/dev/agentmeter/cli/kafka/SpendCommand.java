package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.http.ProcessorClient;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Live spend of one scope, answered by the stream processor's state stores (interactive query). */
@Command(
        name = "spend",
        mixinStandardHelpOptions = true,
        description = "Live spend of a scope, e.g. spend user:alice --period DAY.")
public final class SpendCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCOPE", description = "TYPE:ID, e.g. user:alice, team:support, global:*")
    String scope;

    @Option(
            names = "--period",
            defaultValue = "DAY",
            description = "HOUR, DAY, MONTH or SESSION (default ${DEFAULT-VALUE}).")
    Period period;

    @Option(names = "--json", description = "Print the processor's JSON answer.")
    boolean json;

    @Override
    public void run() {
        Scope parsed = BudgetsCommand.parseScope(spec, scope);
        JsonNode answer =
                ProcessorHttp.get(endpoints, ProcessorClient.spendPath(parsed, period), Duration.ofSeconds(15));
        if (json) {
            spec.commandLine().getOut().println(answer.toPrettyString());
            return;
        }
        StringBuilder line = new StringBuilder()
                .append(parsed)
                .append(' ')
                .append(period)
                .append(' ')
                .append(answer.path("windowStart").asText(""))
                .append(": $")
                .append(answer.path("spendUsd").asText("0"))
                .append(" in ")
                .append(answer.path("events").asText("0"))
                .append(" events");
        if (answer.hasNonNull("limitUsd")) {
            BigDecimal limit = new BigDecimal(answer.get("limitUsd").asText());
            BigDecimal spend = new BigDecimal(answer.path("spendUsd").asText("0"));
            line.append(", limit $")
                    .append(answer.get("limitUsd").asText())
                    .append(", remaining $")
                    .append(answer.path("remainingUsd").asText());
            if (limit.signum() > 0) {
                line.append(", ")
                        .append(spend.movePointRight(2)
                                .divide(limit, 1, RoundingMode.HALF_EVEN)
                                .toPlainString())
                        .append(" % used");
            }
        }
        spec.commandLine().getOut().println(line);
    }
}
