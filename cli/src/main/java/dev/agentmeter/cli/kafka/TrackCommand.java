package dev.agentmeter.cli.kafka;

import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Records one LLM call from a shell script. Same client as in agent code: redaction, validation,
 * and the disk spool when Kafka is unreachable (replayed by the next run that reaches Kafka).
 */
@Command(name = "track", mixinStandardHelpOptions = true, description = "Record one LLM call (for scripts and hooks).")
public final class TrackCommand implements Runnable {

    @Mixin
    Endpoints endpoints;
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true) String model;
    @Option(names = "--provider") String provider;
    @Option(names = "--input-tokens", paramLabel = "N") Long inputTokens;
    @Option(names = "--output-tokens", paramLabel = "N") Long outputTokens;
    @Option(names = "--cache-read-tokens", paramLabel = "N") long cacheReadTokens;
    @Option(names = "--cache-write-tokens", paramLabel = "N") long cacheWriteTokens;
    @Option(names = "--reasoning-tokens", paramLabel = "N") long reasoningTokens;
    @Option(names = "--prompt-length", paramLabel = "CHARS",
            description = "Prompt size in characters; tokens are estimated from it when --input-tokens is missing.")
    Long promptLength;
    @Option(names = "--response-time", paramLabel = "TIME",
            description = "Call duration in seconds, as capture-agent-usage.sh takes it: 2.5 (= 2.5 s), 2.5s or 2500ms.")
    String responseTime;
    @Option(names = "--task-type") String taskType;
    @Option(names = "--session-id") String sessionId;
    @Option(names = "--agent", defaultValue = "${env:AGENTMETER_AGENT:-cli}") String agent;
    @Option(names = "--user", defaultValue = "${env:USER}") String user;
    @Option(names = "--team") String team;
    @Option(names = "--status", defaultValue = "success", description = "success or error") String status;
    @Option(names = "--provider-cost", paramLabel = "USD", description = "Cost the provider reported (billed as is).")
    BigDecimal providerCost;
    @Option(names = "--spool-dir", defaultValue = "${sys:user.home}/.agentmeter/spool",
            description = "Where events wait while Kafka is unreachable (default ${DEFAULT-VALUE}).")
    Path spoolDir;

    @Override
    public void run() {
        UsageEvent event = event();
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(endpoints.kafka)
                .agent(agent)
                .spoolDirectory(spoolDir)
                .closeTimeout(Duration.ofSeconds(10))
                .build()) {
            String eventId = tracker.track(event);
            boolean delivered = tracker.flush(Duration.ofSeconds(10)) && !tracker.isSpooling();
            spec.commandLine().getOut().println(delivered
                    ? "tracked " + eventId
                    : "tracked " + eventId + " (Kafka unreachable: spooled in " + spoolDir + ", sent by the next run that reaches Kafka)");
        }
    }

    UsageEvent event() {
        Usage usage = null;
        if (inputTokens != null) {
            long output = outputTokens == null ? 0 : outputTokens;
            usage = new Usage(inputTokens, output, cacheReadTokens, cacheWriteTokens, 0, reasoningTokens, false);
        } else if (promptLength == null) {
            throw new ParameterException(spec.commandLine(), "give --input-tokens (and --output-tokens), or --prompt-length to estimate them");
        }
        if (!"success".equals(status) && !"error".equals(status)) {
            throw new ParameterException(spec.commandLine(), "--status must be success or error, not " + status);
        }
        UsageEvent event = UsageEvent.builder()
                .eventId(java.util.UUID.randomUUID().toString())
                .timestamp(Instant.now())
                .kind(UsageEvent.KIND_LLM)
                .agent(agent)
                .userId(blankToNull(user))
                .sessionId(sessionId)
                .teamId(team)
                .provider(provider)
                .model(model)
                .usage(usage)
                .providerCostUsd(providerCost)
                .task(taskType == null ? null : new Task(taskType, null, null))
                .call(new Call("cli", null, durationMillis(), status, null, promptLength))
                .build();
        // The tracker never throws into its caller; here the caller is a person, who wants to know.
        List<Violation> violations = new UsageEventValidator().validate(
                usage == null ? event.toBuilder().usage(TokenEstimator.estimate(promptLength, -1)).build() : event);
        if (!violations.isEmpty()) {
            throw new ParameterException(spec.commandLine(), violations.stream().map(Violation::message)
                    .collect(Collectors.joining("; ")));
        }
        return event;
    }

    private Long durationMillis() {
        if (responseTime == null) {
            return null;
        }
        try {
            return parseResponseTime(responseTime);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--response-time: '" + responseTime
                    + "' is not seconds (2.5 or 2.5s) or milliseconds (2500ms)");
        }
    }

    /** Milliseconds from {@code 2.5} or {@code 2.5s} (seconds, rounded to the millisecond) or {@code 2500ms}. */
    static long parseResponseTime(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            BigDecimal millis = t.endsWith("ms") ? new BigDecimal(t.substring(0, t.length() - 2).trim())
                    : new BigDecimal(t.endsWith("s") ? t.substring(0, t.length() - 1).trim() : t).movePointRight(3);
            if (millis.signum() < 0) {
                throw new IllegalArgumentException("negative");
            }
            return millis.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
