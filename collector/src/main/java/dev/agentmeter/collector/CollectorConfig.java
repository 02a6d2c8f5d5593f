package dev.agentmeter.collector;

import dev.agentmeter.http.HttpAccess;
import dev.agentmeter.http.Validators;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.validation.UsageEventValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/**
 * Every setting of the collector, each with type, default, validation and documentation. Keys come
 * from a properties file or {@code AGENTMETER_*} environment variables (see {@code CollectorMain});
 * bad values fail at start naming the key.
 */
public final class CollectorConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_RAW = "topic.raw";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_PREFIX = "http.";
    public static final String HTTP_BIND_ADDRESS = HTTP_PREFIX + HttpAccess.BIND_ADDRESS;
    public static final String HTTP_AUTH = HTTP_PREFIX + HttpAccess.AUTH;
    public static final String HTTP_AUTH_TOKEN = HTTP_PREFIX + HttpAccess.TOKEN;
    public static final String HTTP_AUTH_TOKEN_FILE = HTTP_PREFIX + HttpAccess.TOKEN_FILE;
    public static final String MAX_REQUEST_BYTES = "max.request.bytes";
    public static final String MAX_EVENTS_PER_REQUEST = "max.events.per.request";
    public static final String FLUSH_TIMEOUT = "flush.timeout";
    public static final String SPOOL_DIRECTORY = "spool.directory";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String SPOOL_MAX_BYTES = "spool.max.bytes";
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String TOPIC_BUDGET_STATUS = "topic.budget.status";
    public static final String MAX_FUTURE_SKEW = "max.future.skew";

    /** The OTLP/HTTP port, so that an exporter's default endpoint reaches the collector. */
    public static final int OTLP_HTTP_PORT = 4318;

    private static final ConfigDef.Validator DURATION = Validators.positiveDuration();

    public static final ConfigDef DEF = HttpAccess.define(new ConfigDef(), HTTP_PREFIX, "127.0.0.1")
            .define(
                    BOOTSTRAP_SERVERS,
                    ConfigDef.Type.STRING,
                    "localhost:9092",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka bootstrap servers.")
            .define(
                    TOPIC_RAW,
                    ConfigDef.Type.STRING,
                    Topics.USAGE_RAW,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Raw usage events (output).")
            .define(
                    TOPIC_BUDGET_STATUS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_STATUS,
                    Importance.LOW,
                    "Budget status (input, compacted) behind GET /v1/budget; empty: not followed (the endpoint answers 404).")
            .define(
                    HTTP_PORT,
                    ConfigDef.Type.INT,
                    OTLP_HTTP_PORT,
                    ConfigDef.Range.between(0, 65535),
                    Importance.HIGH,
                    "HTTP port (0 = any free port). 4318 is OTLP/HTTP's: an exporter's default endpoint reaches it.")
            .define(
                    MAX_REQUEST_BYTES,
                    ConfigDef.Type.INT,
                    4 * 1024 * 1024,
                    ConfigDef.Range.between(1024, 256 * 1024 * 1024),
                    Importance.MEDIUM,
                    "Largest request body accepted (after gzip is undone); larger ones get 413.")
            .define(
                    MAX_EVENTS_PER_REQUEST,
                    ConfigDef.Type.INT,
                    10_000,
                    ConfigDef.Range.between(1, 1_000_000),
                    Importance.MEDIUM,
                    "Most events (or GenAI spans) in one request; more get 413.")
            .define(
                    FLUSH_TIMEOUT,
                    ConfigDef.Type.STRING,
                    "PT10S",
                    DURATION,
                    Importance.MEDIUM,
                    "How long a request waits for its events to be acknowledged by Kafka or fsynced in the spool"
                            + " before it answers 503 (a retry is safe: eventIds are kept).")
            .define(
                    SPOOL_DIRECTORY,
                    ConfigDef.Type.STRING,
                    Path.of(System.getProperty("user.home"), ".agentmeter", "collector-spool")
                            .toString(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Where events wait while Kafka is unreachable.")
            .define(
                    MAX_FUTURE_SKEW,
                    ConfigDef.Type.STRING,
                    UsageEventValidator.DEFAULT_MAX_FUTURE_SKEW.toString(),
                    DURATION,
                    Importance.LOW,
                    "How far ahead of this host's clock an event's timestamp may be (clock drift"
                            + " between hosts); later ones are rejected. The same setting as the processor's.")
            .define(
                    SPOOL_MAX_BYTES,
                    ConfigDef.Type.LONG,
                    1024L * 1024 * 1024,
                    ConfigDef.Range.atLeast(1024 * 1024),
                    Importance.MEDIUM,
                    "Upper bound of the spool on disk; while Kafka is away and the spool is full,"
                            + " requests get 507 naming the events that could not be kept.")
            .define(
                    QUEUE_CAPACITY,
                    ConfigDef.Type.INT,
                    200_000,
                    ConfigDef.Range.atLeast(1000),
                    Importance.LOW,
                    "Events held in memory between a request and the sender thread; a request that would not fit"
                            + " gets 503.");

    private final HttpAccess httpAccess;

    public CollectorConfig(Map<?, ?> props) {
        super(DEF, props);
        httpAccess = HttpAccess.of(this, HTTP_PREFIX);
    }

    public static CollectorConfig of(Map<String, ?> props) {
        return new CollectorConfig(new HashMap<>(props));
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    public String rawTopic() {
        return getString(TOPIC_RAW);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public String budgetStatusTopic() {
        String t = getString(TOPIC_BUDGET_STATUS);
        return t == null || t.isBlank() ? null : t;
    }

    public HttpAccess httpAccess() {
        return httpAccess;
    }

    public int maxRequestBytes() {
        return getInt(MAX_REQUEST_BYTES);
    }

    public int maxEventsPerRequest() {
        return getInt(MAX_EVENTS_PER_REQUEST);
    }

    public Duration flushTimeout() {
        return Duration.parse(getString(FLUSH_TIMEOUT));
    }

    public Path spoolDirectory() {
        return Path.of(getString(SPOOL_DIRECTORY));
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY);
    }

    public long spoolMaxBytes() {
        return getLong(SPOOL_MAX_BYTES);
    }

    public Duration maxFutureSkew() {
        return Duration.parse(getString(MAX_FUTURE_SKEW));
    }

    /**
     * Producer overrides: every {@code kafka.X} key becomes {@code X}. The collector's own defaults,
     * beside the producer client's: {@code delivery.timeout.ms=5000}, {@code request.timeout.ms=2000}
     * (a request waits for its events; a vanished broker must be given up on well within
     * {@value #FLUSH_TIMEOUT}).
     */
    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX);
    }
}
