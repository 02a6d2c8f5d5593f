package dev.agentmeter.processor;

import dev.agentmeter.http.HttpAccess;
import dev.agentmeter.http.Validators;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.pricing.Pricer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the stream processor, each with type, default, validation and documentation.
 * Keys can come from a properties file or {@code AGENTMETER_*} environment variables (see
 * {@code ProcessorMain}). Bad values fail at start with the key named.
 */
public final class ProcessorConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_RAW = "topic.raw";
    public static final String TOPIC_PRICED = "topic.priced";
    public static final String TOPIC_REJECTED = "topic.rejected";
    public static final String TOPIC_PRICES = "topic.prices";
    public static final String TOPIC_BUDGETS = "topic.budgets";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String TOPIC_BUDGET_STATUS = "topic.budget.status";
    public static final String ZONE = "zone";
    public static final String GRACE = "grace";
    public static final String DEDUP_RETENTION = "dedup.retention";
    public static final String SESSION_INACTIVITY = "session.inactivity";
    public static final String RETENTION_PREFIX = "window.retention.";
    public static final String RETENTION_HOUR = RETENTION_PREFIX + "hour";
    public static final String RETENTION_DAY = RETENTION_PREFIX + "day";
    public static final String RETENTION_MONTH = RETENTION_PREFIX + "month";
    public static final String RETENTION_SESSION = RETENTION_PREFIX + "session";
    public static final String MAX_FUTURE_SKEW = "max.future.skew";
    public static final String HEALTH_STALL_TIMEOUT = "health.stall.timeout";
    public static final String AGGREGATE_FLUSH_INTERVAL = "aggregate.flush.interval";
    public static final String DEFAULT_PRICE_INPUT = "default.price.input.per.mtok";
    public static final String DEFAULT_PRICE_OUTPUT = "default.price.output.per.mtok";
    public static final String FREE_PROVIDERS = "free.providers";
    public static final String BUDGET_DEFAULT_PREFIX = "budget.default.";
    public static final String STATE_DIR = "state.dir";
    public static final String THREADS = "num.stream.threads";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String HTTP_PORT = "http.port";
    /** Prefix of the query server's access keys: http.bind.address, http.auth, http.auth.token, ... ({@link HttpAccess}). */
    public static final String HTTP_PREFIX = "http.";

    public static final String HTTP_BIND_ADDRESS = HTTP_PREFIX + HttpAccess.BIND_ADDRESS;
    public static final String HTTP_AUTH = HTTP_PREFIX + HttpAccess.AUTH;
    public static final String HTTP_AUTH_TOKEN = HTTP_PREFIX + HttpAccess.TOKEN;
    public static final String HTTP_AUTH_TOKEN_FILE = HTTP_PREFIX + HttpAccess.TOKEN_FILE;
    public static final String HTTP_PEER_TOKEN_FILE = HTTP_PREFIX + "peer.token.file";
    public static final String ADVERTISED_HOST = "http.advertised.host";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION = "topic.replication";
    public static final String KAFKA_PREFIX = "kafka.";

    private static final ConfigDef.Validator DURATION = Validators.nonNegativeDuration();
    private static final ConfigDef.Validator POSITIVE_DURATION = (name, value) -> {
        DURATION.ensureValid(name, value);
        Duration d = Duration.parse((String) value);
        if (d.isZero() || d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(name, value, "must be more than zero and at most PT1M");
        }
    };
    /**
     * A calendar window may be dropped once its start lies more than retention + grace behind stream
     * time, so the retention must cover the longest window of the period, or an open window would go.
     */
    private static ConfigDef.Validator atLeast(String min, String what) {
        return (name, value) -> {
            DURATION.ensureValid(name, value);
            if (Duration.parse((String) value).compareTo(Duration.parse(min)) < 0) {
                throw new ConfigException(name, value, "must be at least " + min + " (" + what + ")");
            }
        };
    }

    private static final ConfigDef.Validator DECIMAL = (name, value) -> {
        try {
            if (new BigDecimal((String) value).signum() < 0) {
                throw new ConfigException(name, value, "must not be negative");
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "must be a decimal number such as 3 or 0.25");
        }
    };
    private static final ConfigDef.Validator ZONE_ID = Validators.zoneId();

    public static final ConfigDef DEF = HttpAccess.define(new ConfigDef(), HTTP_PREFIX, "127.0.0.1")
            .define(
                    APPLICATION_ID,
                    ConfigDef.Type.STRING,
                    "agentmeter-processor",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka Streams application id; instances with the same id share the work.")
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
                    "Raw usage events (input).")
            .define(
                    TOPIC_PRICED,
                    ConfigDef.Type.STRING,
                    Topics.USAGE_PRICED,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Priced usage records (output, key eventId).")
            .define(
                    TOPIC_REJECTED,
                    ConfigDef.Type.STRING,
                    Topics.USAGE_REJECTED,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Rejected input: original bytes plus agentmeter.error.* headers.")
            .define(
                    TOPIC_PRICES,
                    ConfigDef.Type.STRING,
                    Topics.PRICES,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted price catalog (key modelKey).")
            .define(
                    TOPIC_BUDGETS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGETS,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted budgets (key scope).")
            .define(
                    TOPIC_ALERTS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_ALERTS,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Budget alerts (output, key scope).")
            .define(
                    TOPIC_BUDGET_STATUS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_STATUS,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Budget status per scope and period (output, compacted): what agents read before they spend.")
            .define(
                    ZONE,
                    ConfigDef.Type.STRING,
                    "UTC",
                    ZONE_ID,
                    Importance.MEDIUM,
                    "Time zone of the HOUR/DAY/MONTH calendar windows (DST-aware).")
            .define(
                    GRACE,
                    ConfigDef.Type.STRING,
                    "PT1H",
                    DURATION,
                    Importance.MEDIUM,
                    "How late an event may arrive and still count in its window's aggregate.")
            .define(
                    DEDUP_RETENTION,
                    ConfigDef.Type.STRING,
                    "P7D",
                    DURATION,
                    Importance.MEDIUM,
                    "How long eventIds are remembered for de-duplication.")
            .define(
                    SESSION_INACTIVITY,
                    ConfigDef.Type.STRING,
                    "PT30M",
                    DURATION,
                    Importance.MEDIUM,
                    "A session's SESSION window closes after this much inactivity.")
            .define(
                    RETENTION_HOUR,
                    ConfigDef.Type.STRING,
                    "P2D",
                    atLeast("PT1H", "an HOUR window's length"),
                    Importance.LOW,
                    "How long closed HOUR windows stay queryable in the processor (history is in "
                            + "Postgres); counted from the window's start, plus grace.")
            .define(
                    RETENTION_DAY,
                    ConfigDef.Type.STRING,
                    "P40D",
                    atLeast("PT25H", "a DAY has up to 25 hours"),
                    Importance.LOW,
                    "How long closed DAY windows stay queryable (counted as for " + RETENTION_HOUR + ").")
            .define(
                    RETENTION_MONTH,
                    ConfigDef.Type.STRING,
                    "P400D",
                    atLeast("P31DT1H", "a MONTH has up to 31 days and 1 hour"),
                    Importance.LOW,
                    "How long closed MONTH windows stay queryable (counted as for " + RETENTION_HOUR + ").")
            .define(
                    RETENTION_SESSION,
                    ConfigDef.Type.STRING,
                    "P2D",
                    DURATION,
                    Importance.LOW,
                    "How long a closed SESSION window stays queryable, counted from its last event plus "
                            + SESSION_INACTIVITY + " plus grace.")
            .define(
                    AGGREGATE_FLUSH_INTERVAL,
                    ConfigDef.Type.STRING,
                    "PT1S",
                    POSITIVE_DURATION,
                    Importance.LOW,
                    "How long spend deltas of one scope and clock hour are combined before they travel to the "
                            + "scope's owner, and how long the owner keeps updated windows before it writes them to "
                            + "its store: fewer records and writes per event; alerts come at most one interval later, "
                            + "queries at most two. Every commit does both as well, so more than the commit interval "
                            + "(1 s) changes nothing.")
            .define(
                    HEALTH_STALL_TIMEOUT,
                    ConfigDef.Type.STRING,
                    "PT5M",
                    DURATION,
                    Importance.LOW,
                    "How long the instance may process nothing while records wait on its input partitions before"
                            + " /health answers STALLED (503): what the liveness probe restarts it on.")
            .define(
                    MAX_FUTURE_SKEW,
                    ConfigDef.Type.STRING,
                    UsageEventValidator.DEFAULT_MAX_FUTURE_SKEW.toString(),
                    DURATION,
                    Importance.LOW,
                    "Events timestamped further than this in the future are rejected.")
            .define(
                    DEFAULT_PRICE_INPUT,
                    ConfigDef.Type.STRING,
                    Pricer.DEFAULT_INPUT_PER_MTOK.toPlainString(),
                    DECIMAL,
                    Importance.MEDIUM,
                    "USD per million input tokens for models the catalog does not know.")
            .define(
                    DEFAULT_PRICE_OUTPUT,
                    ConfigDef.Type.STRING,
                    Pricer.DEFAULT_OUTPUT_PER_MTOK.toPlainString(),
                    DECIMAL,
                    Importance.MEDIUM,
                    "USD per million output tokens for models the catalog does not know.")
            .define(
                    FREE_PROVIDERS,
                    ConfigDef.Type.LIST,
                    String.join(",", new TreeSet<>(Pricer.DEFAULT_FREE_PROVIDERS)),
                    Importance.MEDIUM,
                    "Providers whose calls cost nothing (local inference).")
            .define(
                    STATE_DIR,
                    ConfigDef.Type.STRING,
                    System.getProperty("java.io.tmpdir") + "/agentmeter-streams",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Kafka Streams state directory.")
            .define(
                    THREADS,
                    ConfigDef.Type.INT,
                    2,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Stream threads. Two use both cores of a small machine (one thread tops out at about 20k events/s"
                            + " on one core); threads beyond the number of input partitions stay idle.")
            .define(
                    PROCESSING_GUARANTEE,
                    ConfigDef.Type.STRING,
                    "exactly_once_v2",
                    ConfigDef.ValidString.in("exactly_once_v2", "at_least_once"),
                    Importance.MEDIUM,
                    "exactly_once_v2 (default) or at_least_once.")
            .define(
                    HTTP_PORT,
                    ConfigDef.Type.INT,
                    8080,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of the query and metrics HTTP server (0 = any free port).")
            .define(
                    ADVERTISED_HOST,
                    ConfigDef.Type.STRING,
                    "localhost",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Host name other instances use to reach this one's query server (with several instances, bind"
                            + " to an address they can reach: " + HTTP_BIND_ADDRESS + ").")
            .define(
                    TOPIC_PARTITIONS,
                    ConfigDef.Type.INT,
                    3,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Partitions of topics the processor creates when they are missing.")
            .define(
                    TOPIC_REPLICATION,
                    ConfigDef.Type.SHORT,
                    (short) 1,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Replication factor of topics the processor creates when they are missing.")
            .define(
                    HTTP_PEER_TOKEN_FILE,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "A file holding the token instances present to each other when one forwards a query to the"
                            + " instance that owns the scope (first non-comment line). Accepted besides the"
                            + " http.auth.token(s); without it, forwarded requests carry the first of those. Peers'"
                            + " addresses come from the consumer group's metadata: a token of their own keeps a"
                            + " client's token from travelling to them.");

    private final HttpAccess httpAccess;

    public ProcessorConfig(Map<?, ?> props) {
        super(DEF, props);
        budgetDefaults(); // validates the budget.default.* keys now, not at the first event
        HttpAccess access = HttpAccess.of(this, HTTP_PREFIX); // a network-reachable server without a token fails now
        peerToken = readPeerToken();
        httpAccess = peerToken != null && access.tokenRequired() ? access.alsoAccepting(peerToken) : access;
    }

    private final String peerToken;

    private String readPeerToken() {
        String file = getString(HTTP_PEER_TOKEN_FILE);
        if (file == null) {
            return null;
        }
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(HTTP_PEER_TOKEN_FILE, file, "the token is empty"));
        } catch (IOException e) {
            throw new ConfigException(HTTP_PEER_TOKEN_FILE, file, "cannot read the token file: " + e.getMessage());
        }
    }

    /** The token forwarded queries carry: the peer token, else the query server's first token (null: none). */
    public String forwardingToken() {
        return peerToken != null ? peerToken : httpAccess.token();
    }

    /** Bind address and bearer token of the query server. */
    public HttpAccess httpAccess() {
        return httpAccess;
    }

    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    public String rawTopic() {
        return getString(TOPIC_RAW);
    }

    public String pricedTopic() {
        return getString(TOPIC_PRICED);
    }

    public String rejectedTopic() {
        return getString(TOPIC_REJECTED);
    }

    public String pricesTopic() {
        return getString(TOPIC_PRICES);
    }

    public String budgetStatusTopic() {
        return getString(TOPIC_BUDGET_STATUS);
    }

    public String budgetsTopic() {
        return getString(TOPIC_BUDGETS);
    }

    public String alertsTopic() {
        return getString(TOPIC_ALERTS);
    }

    public ZoneId zone() {
        return ZoneId.of(getString(ZONE));
    }

    public Duration grace() {
        return Duration.parse(getString(GRACE));
    }

    public Duration dedupRetention() {
        return Duration.parse(getString(DEDUP_RETENTION));
    }

    public Duration sessionInactivity() {
        return Duration.parse(getString(SESSION_INACTIVITY));
    }
    /** How long closed windows stay in the spend store, by period (see the window.retention.* keys). */
    public Map<Period, Duration> windowRetention() {
        Map<Period, Duration> out = new EnumMap<>(Period.class);
        out.put(Period.HOUR, Duration.parse(getString(RETENTION_HOUR)));
        out.put(Period.DAY, Duration.parse(getString(RETENTION_DAY)));
        out.put(Period.MONTH, Duration.parse(getString(RETENTION_MONTH)));
        out.put(Period.SESSION, Duration.parse(getString(RETENTION_SESSION)));
        return out;
    }

    public Duration aggregateFlushInterval() {
        return Duration.parse(getString(AGGREGATE_FLUSH_INTERVAL));
    }

    public Duration maxFutureSkew() {
        return Duration.parse(getString(MAX_FUTURE_SKEW));
    }

    public Duration stallTimeout() {
        return Duration.parse(getString(HEALTH_STALL_TIMEOUT));
    }

    public BigDecimal defaultInputPrice() {
        return new BigDecimal(getString(DEFAULT_PRICE_INPUT));
    }

    public BigDecimal defaultOutputPrice() {
        return new BigDecimal(getString(DEFAULT_PRICE_OUTPUT));
    }

    public String stateDir() {
        return getString(STATE_DIR);
    }

    public int threads() {
        return getInt(THREADS);
    }

    public String processingGuarantee() {
        return getString(PROCESSING_GUARANTEE);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public String advertisedHost() {
        return getString(ADVERTISED_HOST);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS);
    }

    public short topicReplication() {
        return getShort(TOPIC_REPLICATION);
    }

    public Set<String> freeProviders() {
        return getList(FREE_PROVIDERS).stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Kafka client/Streams overrides: every {@code kafka.X} key becomes {@code X}. */
    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX);
    }

    /**
     * Per-scope-type default budgets from keys {@code budget.default.TYPE.PERIOD=USD}, e.g.
     * {@code budget.default.user.DAY=10}.
     */
    public Map<ScopeType, Map<Period, BigDecimal>> budgetDefaults() {
        Map<ScopeType, Map<Period, BigDecimal>> out = new EnumMap<>(ScopeType.class);
        for (Map.Entry<String, Object> e :
                originalsWithPrefix(BUDGET_DEFAULT_PREFIX).entrySet()) {
            String key = BUDGET_DEFAULT_PREFIX + e.getKey();
            String[] parts = e.getKey().split("\\.", -1);
            if (parts.length != 2) {
                throw new ConfigException(
                        key, e.getValue(), "expected budget.default.TYPE.PERIOD, e.g. budget.default.user.DAY");
            }
            ScopeType type;
            Period period;
            BigDecimal limit;
            try {
                type = ScopeType.fromWire(parts[0]);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(key, e.getValue(), ex.getMessage());
            }
            try {
                period = Period.valueOf(parts[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(key, e.getValue(), "period must be one of " + List.of(Period.values()));
            }
            if (period == Period.SESSION && type != ScopeType.SESSION) {
                throw new ConfigException(key, e.getValue(), "SESSION budgets apply to scope type session only");
            }
            try {
                limit = new BigDecimal(String.valueOf(e.getValue()).trim());
            } catch (NumberFormatException ex) {
                throw new ConfigException(key, e.getValue(), "must be a decimal amount in USD such as 10.00");
            }
            if (limit.signum() <= 0) {
                throw new ConfigException(key, e.getValue(), "must be a positive amount in USD");
            }
            out.computeIfAbsent(type, t -> new EnumMap<>(Period.class)).put(period, limit);
        }
        return out;
    }

    public static ProcessorConfig of(Map<String, ?> props) {
        return new ProcessorConfig(new HashMap<>(props));
    }
}
