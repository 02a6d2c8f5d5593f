package dev.agentmeter.client;

import dev.agentmeter.client.redact.Redactor;
import dev.agentmeter.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Every setting of a {@link UsageTracker}, built by {@link UsageTracker.Builder} (which documents
 * each one and holds the defaults).
 */
public record TrackerConfig(
        String bootstrapServers,
        String topic,
        String defaultAgent,
        String defaultTeam,
        String defaultUser,
        String defaultSession,
        boolean generateSession,
        Path spoolDirectory,
        long spoolMaxBytes,
        int spoolFsyncEveryEvents,
        Duration spoolFsyncInterval,
        int queueCapacity,
        Duration replayProbeInterval,
        Duration closeTimeout,
        Redactor redactor,
        TrackingErrorHandler errorHandler,
        MeterRegistry meterRegistry,
        Map<String, Object> kafkaOverrides,
        String budgetStatusTopic,
        Duration maxFutureSkew) {

    public static final String DEFAULT_TOPIC = Topics.USAGE_RAW;

    public TrackerConfig {
        kafkaOverrides = Map.copyOf(kafkaOverrides);
    }
}
