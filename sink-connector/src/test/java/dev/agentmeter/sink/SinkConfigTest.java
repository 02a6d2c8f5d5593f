package dev.agentmeter.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    private static final String URL = "jdbc:postgresql://db:5432/agentmeter";

    @Test
    void defaultsFollowTheContract() {
        SinkConfig config = new SinkConfig(Map.of(SinkConfig.CONNECTION_URL, URL));

        assertThat(config.usageTable()).isEqualTo("agent_usage");
        assertThat(config.alertsTable()).isEqualTo("budget_alerts");
        assertThat(config.pricedTopic()).isEqualTo("agentmeter.usage.priced");
        assertThat(config.alertsTopic()).isEqualTo("agentmeter.budget-alerts");
        assertThat(config.batchSize()).isEqualTo(2000);
        assertThat(config.maxRetries()).isEqualTo(-1);
        assertThat(config.password()).isNull();
    }

    @Test
    void missingUrlNamesTheKey() {
        assertThatThrownBy(() -> new SinkConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required configuration \"connection.url\" which has no default value.");
    }

    @Test
    void nonPostgresUrlIsRefused() {
        assertThatThrownBy(() -> new SinkConfig(Map.of(SinkConfig.CONNECTION_URL, "jdbc:mysql://db/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value jdbc:mysql://db/x for configuration connection.url: "
                        + "must be a Postgres JDBC URL (jdbc:postgresql://host:port/db)");
    }

    @Test
    void tableNameMustBeAPlainIdentifier() {
        assertThatThrownBy(() -> new SinkConfig(
                        Map.of(SinkConfig.CONNECTION_URL, URL, SinkConfig.USAGE_TABLE, "usage; DROP TABLE x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value usage; DROP TABLE x for configuration table.usage");
    }

    @Test
    void batchSizeOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new SinkConfig(Map.of(SinkConfig.CONNECTION_URL, URL, SinkConfig.BATCH_SIZE, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 0 for configuration batch.size: Value must be at least 1");
    }

    @Test
    void backoffMaxBelowBackoffIsRefused() {
        assertThatThrownBy(() -> new SinkConfig(Map.of(
                        SinkConfig.CONNECTION_URL,
                        URL,
                        SinkConfig.RETRY_BACKOFF_MS,
                        "5000",
                        SinkConfig.RETRY_BACKOFF_MAX_MS,
                        "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Invalid value 1000 for configuration retry.backoff.max.ms: must be at least retry.backoff.ms (5000)");
    }

    @Test
    void retryBackoffDoublesUpToTheMaximum() {
        SinkConfig config = new SinkConfig(Map.of(
                SinkConfig.CONNECTION_URL,
                URL,
                SinkConfig.RETRY_BACKOFF_MS,
                "500",
                SinkConfig.RETRY_BACKOFF_MAX_MS,
                "3000"));

        assertThat(new long[] {
                    config.backoffMillis(1),
                    config.backoffMillis(2),
                    config.backoffMillis(3),
                    config.backoffMillis(4),
                    config.backoffMillis(40)
                })
                .containsExactly(500, 1000, 2000, 3000, 3000);
    }
}
