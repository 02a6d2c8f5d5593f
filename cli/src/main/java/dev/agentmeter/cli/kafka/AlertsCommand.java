package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Follows the budget-alert topic: prints each alert, optionally posts it to a (Slack-compatible) webhook. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Follow budget alerts as they are raised.")
public final class AlertsCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One BudgetAlert JSON document per line.")
    boolean json;

    @Option(
            names = "--webhook",
            paramLabel = "URL",
            description =
                    "POST each alert as {\"text\": ...} plus the alert's fields (Slack incoming-webhook compatible).")
    URI webhook;

    @Option(names = "--from-beginning", description = "Also show alerts raised before now.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N alerts (default: follow until Ctrl-C).")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop after this long, e.g. PT30S.")
    Duration timeout;

    @Override
    public void run() {
        HttpClient http = webhook == null
                ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int seen = 0;
        try (KafkaConsumer<String, byte[]> consumer = KafkaIo.consumer(endpoints.kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BUDGET_ALERTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            while ((max == null || seen < max) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    BudgetAlert alert = ContractJson.fromBytes(record.value(), BudgetAlert.class);
                    spec.commandLine().getOut().println(json ? ContractJson.toJson(alert) : text(alert));
                    spec.commandLine().getOut().flush();
                    if (http != null) {
                        post(http, alert);
                    }
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
            }
        }
    }

    static String text(BudgetAlert a) {
        String threshold = Percent.ofFraction(a.threshold());
        return switch (a.level()) {
            case FORECAST ->
                String.format(
                        "FORECAST %s %s: $%s of $%s, heading for $%s by the window's end; limit reached"
                                + " about %s (window %s), event %s",
                        a.scope(),
                        a.period(),
                        a.spendUsd().toPlainString(),
                        a.limitUsd().toPlainString(),
                        a.projectedUsd() == null ? "?" : a.projectedUsd().toPlainString(),
                        a.projectedCrossingAt(),
                        a.windowStart(),
                        a.triggeringEventId());
            case RESOLVED ->
                String.format(
                        "RESOLVED %s %s: $%s of $%s, the %s threshold is no longer crossed"
                                + " (the budget changed) in window %s",
                        a.scope(),
                        a.period(),
                        a.spendUsd().toPlainString(),
                        a.limitUsd().toPlainString(),
                        threshold,
                        a.windowStart());
            default ->
                String.format(
                        "%s %s %s: $%s of $%s (%s threshold) in window %s, event %s",
                        a.level(),
                        a.scope(),
                        a.period(),
                        a.spendUsd().toPlainString(),
                        a.limitUsd().toPlainString(),
                        threshold,
                        a.windowStart(),
                        a.triggeringEventId());
        };
    }

    /** The webhook's leading emoji: what a person glancing at the channel needs first. */
    static String emoji(BudgetAlert a) {
        return switch (a.level()) {
            case RESOLVED -> ":white_check_mark:";
            case FORECAST -> ":crystal_ball:";
            case WARNING -> ":warning:";
            case EXCEEDED -> ":rotating_light:";
        };
    }

    private void post(HttpClient http, BudgetAlert alert) {
        ObjectNode body = ContractJson.mapper().valueToTree(alert);
        body.put("text", emoji(alert) + " agentmeter " + text(alert));
        HttpRequest request = HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                spec.commandLine()
                        .getErr()
                        .println("webhook answered " + response.statusCode() + " for " + alert.alertId());
            }
        } catch (IOException e) {
            spec.commandLine()
                    .getErr()
                    .println("webhook " + webhook + " unreachable for " + alert.alertId() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
