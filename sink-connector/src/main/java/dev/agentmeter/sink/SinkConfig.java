package dev.agentmeter.sink;

import dev.agentmeter.model.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of the agentmeter Postgres sink, with type, default, validation and documentation
 * in one place. Bad values fail {@code validate}/start with a message naming the key.
 */
public final class SinkConfig extends AbstractConfig {

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String USAGE_TABLE = "table.usage";
    public static final String ALERTS_TABLE = "table.alerts";
    public static final String TOPIC_PRICED = "topic.priced";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String BATCH_SIZE = "batch.size";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String PARTITIONS_AHEAD_MONTHS = "partitions.ahead.months";
    public static final String SCHEMA_MIGRATE = "schema.migrate";

    /** Table names become parts of partition and index names: plain lower-case identifiers only. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    CONNECTION_URL,
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    jdbcUrl(),
                    Importance.HIGH,
                    "JDBC URL of the Postgres database, e.g. jdbc:postgresql://db:5432/agentmeter.")
            .define(
                    CONNECTION_USER,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.HIGH,
                    "Database user. Needs CREATE on the schema for migrations and partitions "
                            + "(and CREATEROLE once, for the read-only agentmeter_analyst role).")
            .define(CONNECTION_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.HIGH, "Database password.")
            .define(
                    USAGE_TABLE,
                    ConfigDef.Type.STRING,
                    "agent_usage",
                    identifier(),
                    Importance.MEDIUM,
                    "Table for priced usage, one row per eventId, range-partitioned by month of occurred_at.")
            .define(
                    ALERTS_TABLE,
                    ConfigDef.Type.STRING,
                    "budget_alerts",
                    identifier(),
                    Importance.MEDIUM,
                    "Table for budget alerts, one row per alertId.")
            .define(
                    TOPIC_PRICED,
                    ConfigDef.Type.STRING,
                    Topics.USAGE_PRICED,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic whose records are PricedUsage (written to table.usage).")
            .define(
                    TOPIC_ALERTS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_ALERTS,
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic whose records are BudgetAlerts (written to table.alerts).")
            .define(
                    BATCH_SIZE,
                    ConfigDef.Type.INT,
                    2000,
                    ConfigDef.Range.between(1, 100_000),
                    Importance.MEDIUM,
                    "Rows per database transaction. Each batch is one COPY into a staging table and one "
                            + "INSERT ... ON CONFLICT DO NOTHING.")
            .define(
                    MAX_RETRIES,
                    ConfigDef.Type.INT,
                    -1,
                    ConfigDef.Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Retries of a batch after a transient database failure (connection lost, server "
                            + "shutting down, deadlock) before the task fails; -1 retries forever. Nothing is "
                            + "committed to Kafka before the database commit, so retrying never loses a record.")
            .define(
                    RETRY_BACKOFF_MS,
                    ConfigDef.Type.LONG,
                    500L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "First backoff after a transient failure; doubles on each retry up to retry.backoff.max.ms.")
            .define(
                    RETRY_BACKOFF_MAX_MS,
                    ConfigDef.Type.LONG,
                    10_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Upper bound of the retry backoff.")
            .define(
                    PARTITIONS_AHEAD_MONTHS,
                    ConfigDef.Type.INT,
                    3,
                    ConfigDef.Range.between(0, 60),
                    Importance.LOW,
                    "Monthly partitions of table.usage created ahead of the current month at start. "
                            + "Partitions for older or later months are created on demand before a write.")
            .define(
                    SCHEMA_MIGRATE,
                    ConfigDef.Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Apply the Flyway migrations (tables, indexes, views, analyst role) at task start. "
                            + "Turn off when a DBA applies them.");

    public SinkConfig(Map<?, ?> props) {
        super(DEFINITION, props);
        if (backoffMax().compareTo(backoff()) < 0) {
            throw new ConfigException(
                    RETRY_BACKOFF_MAX_MS,
                    getLong(RETRY_BACKOFF_MAX_MS),
                    "must be at least " + RETRY_BACKOFF_MS + " (" + getLong(RETRY_BACKOFF_MS) + ")");
        }
    }

    public String url() {
        return getString(CONNECTION_URL);
    }

    public String user() {
        return getString(CONNECTION_USER);
    }

    public String password() {
        Password password = getPassword(CONNECTION_PASSWORD);
        return password == null ? null : password.value();
    }

    public String usageTable() {
        return getString(USAGE_TABLE);
    }

    public String alertsTable() {
        return getString(ALERTS_TABLE);
    }

    public String pricedTopic() {
        return getString(TOPIC_PRICED);
    }

    public String alertsTopic() {
        return getString(TOPIC_ALERTS);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public Duration backoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
    }

    public Duration backoffMax() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS));
    }

    /** Backoff before retry number {@code attempt} (1-based): doubling from retry.backoff.ms, capped. */
    public long backoffMillis(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        return Math.min(backoffMax().toMillis(), backoff().toMillis() << shift);
    }

    public int partitionsAheadMonths() {
        return getInt(PARTITIONS_AHEAD_MONTHS);
    }

    public boolean migrate() {
        return getBoolean(SCHEMA_MIGRATE);
    }

    private static ConfigDef.Validator jdbcUrl() {
        return (name, value) -> {
            if (value == null || !value.toString().startsWith("jdbc:postgresql:")) {
                throw new ConfigException(name, value, "must be a Postgres JDBC URL (jdbc:postgresql://host:port/db)");
            }
        };
    }

    private static ConfigDef.Validator identifier() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || !IDENTIFIER.matcher(value.toString()).matches()) {
                    throw new ConfigException(
                            name,
                            value,
                            "must be a lower-case SQL identifier [a-z_][a-z0-9_]* of at most 41 characters");
                }
            }

            @Override
            public String toString() {
                return "[a-z_][a-z0-9_]*";
            }
        };
    }
}
