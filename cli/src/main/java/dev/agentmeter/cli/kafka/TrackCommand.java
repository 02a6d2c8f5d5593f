package dev.agentmeter.cli.kafka;

import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
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

    @Option(names = "--model", required = true)
    String model;

    @Option(names = "--provider")
    String provider;

    @Option(names = "--input-tokens", paramLabel = "N")
    Long inputTokens;

    @Option(names = "--output-tokens", paramLabel = "N")
    Long outputTokens;

    @Option(names = "--cache-read-tokens", paramLabel = "N")
    long cacheReadTokens;

    @Option(names = "--cache-write-tokens", paramLabel = "N")
    long cacheWriteTokens;

    @Option(
            names = "--cache-write-1h-tokens",
            paramLabel = "N",
            description = "The part of --cache-write-tokens written with a one-hour lifetime.")
    long cacheWrite1hTokens;

    @Option(names = "--reasoning-tokens", paramLabel = "N")
    long reasoningTokens;

    @Option(
            names = "--prompt",
            paramLabel = "TEXT",
            description =
                    "The prompt, as capture-prompt.sh takes it: its characters and words are recorded and tokens estimated from it.")
    String prompt;

    @Option(names = "--prompt-file", paramLabel = "FILE", description = "The prompt, from a file (UTF-8).")
    Path promptFile;

    @Option(
            names = "--store-prompt",
            description = "Also store the prompt text (redacted, first 1,000 characters). Off by default.")
    boolean storePrompt;

    @Option(names = "--region")
    String region;

    @Option(names = "--task-complexity")
    String taskComplexity;

    @Option(names = "--task-description")
    String taskDescription;

    @Option(names = "--error-message")
    String errorMessage;

    @Option(
            names = "--handoff-chain",
            split = ",",
            paramLabel = "AGENT[,AGENT…]",
            description = "The agents that handed this call on, first to last.")
    List<String> handoffChain;

    @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "Any attribute (repeatable).")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(
            names = "--prompt-length",
            paramLabel = "CHARS",
            description = "Prompt size in characters; tokens are estimated from it when --input-tokens is missing.")
    Long promptLength;

    @Option(
            names = "--response-time",
            paramLabel = "TIME",
            description =
                    "Call duration in seconds, as capture-agent-usage.sh takes it: 2.5 (= 2.5 s), 2.5s or 2500ms.")
    String responseTime;

    @Option(names = "--task-type")
    String taskType;

    @Option(names = "--session-id")
    String sessionId;

    @Option(names = "--agent", defaultValue = "${env:AGENTMETER_AGENT:-cli}")
    String agent;

    @Option(names = "--user", defaultValue = "${env:USER}")
    String user;

    @Option(names = "--team")
    String team;

    @Option(names = "--status", defaultValue = "success", description = "success or error")
    String status;

    @Option(names = "--provider-cost", paramLabel = "USD", description = "Cost the provider reported (billed as is).")
    BigDecimal providerCost;

    @Option(
            names = "--service-tier",
            paramLabel = "TIER",
            description = "The tier the provider's response says it served the call at: standard, batch, flex, priority"
                    + " (default and auto mean standard). Absent means standard.")
    String serviceTier;

    @Option(
            names = "--spool-dir",
            defaultValue = "${sys:user.home}/.agentmeter/spool",
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
            spec.commandLine()
                    .getOut()
                    .println(
                            delivered
                                    ? "tracked " + eventId
                                    : "tracked " + eventId + " (Kafka unreachable: spooled in " + spoolDir
                                            + ", sent by the next run that reaches Kafka)");
        }
    }

    UsageEvent event() {
        String promptText = promptText();
        Long promptChars =
                promptText != null ? Long.valueOf(promptText.codePointCount(0, promptText.length())) : promptLength;
        Map<String, String> attrs = new TreeMap<>(attributes);
        if (promptText != null) {
            attrs.put(PROMPT_WORDS, Long.toString(words(promptText)));
            if (storePrompt) {
                attrs.put(PROMPT, promptText); // redacted by the client, cut to 1,000 code points as the contract says
            }
        }
        Usage usage = null;
        if (inputTokens != null) {
            long output = outputTokens == null ? 0 : outputTokens;
            usage = new Usage(
                    inputTokens, output, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens, false);
        } else if (promptChars == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give --input-tokens (and --output-tokens), or --prompt, --prompt-file or --prompt-length to estimate them");
        }
        if (!"success".equals(status) && !"error".equals(status)) {
            throw new ParameterException(spec.commandLine(), "--status must be success or error, not " + status);
        }
        UsageEvent event = UsageEvent.builder()
                .eventId(UUID.randomUUID().toString())
                .timestamp(Instant.now())
                .kind(UsageEvent.KIND_LLM)
                .agent(agent)
                .userId(blankToNull(user))
                .sessionId(sessionId)
                .teamId(team)
                .handoffChain(handoffChain)
                .provider(provider)
                .model(model)
                .region(region)
                .usage(usage)
                .providerCostUsd(providerCost)
                .serviceTier(ServiceTiers.normalise(serviceTier))
                .task(
                        taskType == null && taskComplexity == null && taskDescription == null
                                ? null
                                : new Task(taskType, taskComplexity, taskDescription))
                .call(new Call("cli", null, durationMillis(), status, errorMessage, promptChars))
                .attributes(attrs.isEmpty() ? null : attrs)
                .build();
        // The tracker never throws into its caller; here the caller is a person, who wants to know.
        List<Violation> violations = new UsageEventValidator()
                .validate(
                        usage == null
                                ? event.toBuilder()
                                        .usage(TokenEstimator.estimate(promptChars, -1))
                                        .build()
                                : event);
        if (!violations.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    violations.stream().map(Violation::message).collect(Collectors.joining("; ")));
        }
        return event;
    }

    /** Attribute: the prompt's word count (whitespace-separated), as capture-prompt.sh recorded it. */
    public static final String PROMPT_WORDS = "promptWords";
    /** Attribute: the prompt text itself, only with --store-prompt. */
    public static final String PROMPT = "prompt";

    private String promptText() {
        if (prompt != null && promptFile != null) {
            throw new ParameterException(spec.commandLine(), "give --prompt or --prompt-file, not both");
        }
        if (promptFile != null) {
            try {
                return Files.readString(promptFile);
            } catch (IOException e) {
                throw new ParameterException(
                        spec.commandLine(), "--prompt-file: cannot read " + promptFile + ": " + e.getMessage());
            }
        }
        if (storePrompt && prompt == null) {
            throw new ParameterException(spec.commandLine(), "--store-prompt needs --prompt or --prompt-file");
        }
        return prompt;
    }

    static long words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private Long durationMillis() {
        if (responseTime == null) {
            return null;
        }
        try {
            return parseResponseTime(responseTime);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--response-time: '" + responseTime + "' is not seconds (2.5 or 2.5s) or milliseconds (2500ms)");
        }
    }

    /** Milliseconds from {@code 2.5} or {@code 2.5s} (seconds, rounded to the millisecond) or {@code 2500ms}. */
    static long parseResponseTime(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            BigDecimal millis = t.endsWith("ms")
                    ? new BigDecimal(t.substring(0, t.length() - 2).trim())
                    : new BigDecimal(
                                    t.endsWith("s")
                                            ? t.substring(0, t.length() - 1).trim()
                                            : t)
                            .movePointRight(3);
            if (millis.signum() < 0) {
                throw new IllegalArgumentException("negative");
            }
            return millis.setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
