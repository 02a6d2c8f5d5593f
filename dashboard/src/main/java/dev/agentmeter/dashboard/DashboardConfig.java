package dev.agentmeter.dashboard;

import dev.agentmeter.http.HttpAccess;
import dev.agentmeter.http.Validators;
import dev.agentmeter.model.Topics;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of the dashboard, each with type, default, validation and documentation. Keys come
 * from a properties file or {@code AGENTMETER_*} environment variables (see {@link DashboardMain});
 * bad values fail at start naming the key.
 *
 * <p>The dashboard only reads: Postgres as a member of the {@code agentmeter_analyst} role (and
 * in read-only transactions besides), the processor's query API, and two topics.
 */
public final class DashboardConfig extends AbstractConfig {

    public static final String PG_URL = "pg.url";
    public static final String PG_USER = "pg.user";
    public static final String PG_PASSWORD = "pg.password";
    public static final String PG_TABLE = "pg.table";
    public static final String PG_ALERTS_TABLE = "pg.alerts.table";
    public static final String PG_POOL_SIZE = "pg.pool.size";
    public static final String PG_STATEMENT_TIMEOUT = "pg.statement.timeout";
    public static final String PROCESSOR_URL = "processor.url";
    public static final String PROCESSOR_TOKEN = "processor.auth.token";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_BUDGETS = "topic.budgets";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String ZONE = "zone";
    public static final String LIVE_INTERVAL = "live.interval";
    public static final String HTTP_PORT = "http.port";
    public static final String SESSION_MAX_AGE = "http.session.max.age";
    public static final String LOGIN_MAX_FAILURES = "http.login.max.failures";
    public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofHours(8);
    public static final String HTTP_PREFIX = "http.";
    public static final String HTTP_BIND_ADDRESS = HTTP_PREFIX + HttpAccess.BIND_ADDRESS;
    public static final String HTTP_AUTH = HTTP_PREFIX + HttpAccess.AUTH;
    public static final String HTTP_AUTH_TOKEN = HTTP_PREFIX + HttpAccess.TOKEN;
    public static final String KAFKA_PREFIX = "kafka.";

    public static final int DEFAULT_PORT = 7080;

    private static final ConfigDef.Validator DURATION = Validators.positiveDuration();

    private static final ConfigDef.Validator ZONE_ID = Validators.zoneId();

    public static final ConfigDef DEF = HttpAccess.define(new ConfigDef(), HTTP_PREFIX, "127.0.0.1")
            .define(
                    PG_URL,
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "JDBC URL of the sink's database. Connect as a member of agentmeter_analyst (SELECT only):"
                            + " CREATE ROLE dash LOGIN PASSWORD '…' IN ROLE agentmeter_analyst.")
            .define(PG_USER, ConfigDef.Type.STRING, null, Importance.HIGH, "Database user (else the URL's).")
            .define(PG_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.HIGH, "Database password (else the URL's).")
            .define(
                    PG_TABLE,
                    ConfigDef.Type.STRING,
                    "agent_usage",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The usage table the sink writes.")
            .define(
                    PG_ALERTS_TABLE,
                    ConfigDef.Type.STRING,
                    "budget_alerts",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The alert table the sink writes.")
            .define(
                    PG_POOL_SIZE,
                    ConfigDef.Type.INT,
                    4,
                    ConfigDef.Range.between(1, 64),
                    Importance.LOW,
                    "Database connections held open (each page runs its queries on one).")
            .define(
                    PG_STATEMENT_TIMEOUT,
                    ConfigDef.Type.STRING,
                    "PT15S",
                    DURATION,
                    Importance.LOW,
                    "A query running longer is cancelled (the page says so) instead of holding a connection.")
            .define(
                    PROCESSOR_URL,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.HIGH,
                    "Base URL of a stream processor's query API (http://host:7070) for live spend and budget use;"
                            + " unset: figures come from Postgres only, as far as the sink has written.")
            .define(
                    PROCESSOR_TOKEN,
                    ConfigDef.Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Bearer token of the processor's query API, when it has one.")
            .define(
                    BOOTSTRAP_SERVERS,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.HIGH,
                    "Kafka, for the budgets and the live alert feed; unset: budgets and alerts come from Postgres"
                            + " (alerts as far as the sink has written, budgets not at all).")
            .define(
                    TOPIC_BUDGETS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGETS,
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The compacted budgets topic.")
            .define(
                    TOPIC_ALERTS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_ALERTS,
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The budget alerts topic, read committed.")
            .define(
                    ZONE,
                    ConfigDef.Type.STRING,
                    "UTC",
                    ZONE_ID,
                    Importance.MEDIUM,
                    "Calendar zone of 'today' and 'this month' by default; set it to the processor's zone so that"
                            + " live figures and stored ones count the same days. Pages take ?zone= too.")
            .define(
                    LIVE_INTERVAL,
                    ConfigDef.Type.STRING,
                    "PT2S",
                    DURATION,
                    Importance.LOW,
                    "How often open pages get live spend (one processor round per interval, only while a page"
                            + " is open).")
            .define(
                    HTTP_PORT,
                    ConfigDef.Type.INT,
                    DEFAULT_PORT,
                    ConfigDef.Range.between(0, 65535),
                    Importance.HIGH,
                    "HTTP port (0 = any free port).")
            .define(
                    SESSION_MAX_AGE,
                    ConfigDef.Type.STRING,
                    DEFAULT_SESSION_MAX_AGE.toString(),
                    DURATION,
                    Importance.MEDIUM,
                    "How long a browser login lasts (with http.auth.token). Logout ends it at once, and a restart"
                            + " ends every session.")
            .define(
                    LOGIN_MAX_FAILURES,
                    ConfigDef.Type.INT,
                    5,
                    ConfigDef.Range.between(1, 1000),
                    Importance.LOW,
                    "Wrong tokens one client address may send to /login within 15 minutes before its logins get 429.");

    private final HttpAccess httpAccess;

    public DashboardConfig(Map<?, ?> props) {
        super(DEF, props);
        httpAccess = HttpAccess.of(this, HTTP_PREFIX);
    }

    public static DashboardConfig of(Map<String, ?> props) {
        return new DashboardConfig(new HashMap<>(props));
    }

    public String pgUrl() {
        return getString(PG_URL);
    }

    public String pgUser() {
        return getString(PG_USER);
    }

    public String pgPassword() {
        return secret(PG_PASSWORD);
    }

    public String usageTable() {
        return getString(PG_TABLE);
    }

    public String alertsTable() {
        return getString(PG_ALERTS_TABLE);
    }

    public int poolSize() {
        return getInt(PG_POOL_SIZE);
    }

    public Duration statementTimeout() {
        return Duration.parse(getString(PG_STATEMENT_TIMEOUT));
    }

    public String processorUrl() {
        String url = getString(PROCESSOR_URL);
        return url == null || url.isBlank() ? null : url.replaceAll("/+$", "");
    }

    public String processorToken() {
        return secret(PROCESSOR_TOKEN);
    }

    public String bootstrapServers() {
        String servers = getString(BOOTSTRAP_SERVERS);
        return servers == null || servers.isBlank() ? null : servers;
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

    public Duration liveInterval() {
        return Duration.parse(getString(LIVE_INTERVAL));
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public Duration sessionMaxAge() {
        return Duration.parse(getString(SESSION_MAX_AGE));
    }

    public int loginMaxFailures() {
        return getInt(LOGIN_MAX_FAILURES);
    }

    public HttpAccess httpAccess() {
        return httpAccess;
    }

    /** Consumer overrides (security settings and the like): every {@code kafka.X} key becomes {@code X}. */
    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX);
    }

    private String secret(String key) {
        Password p = getPassword(key);
        return p == null || p.value().isBlank() ? null : p.value().trim();
    }
}
