package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.support.TopicAdmin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same checks against containerised Kafka and PostgreSQL where a Docker engine exists; skipped
 * (not failed) where none does, as on the build machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17");

    @Test
    void containerisedKafkaCarriesRecords() throws Exception {
        TopicAdmin.createTopics(KAFKA.getBootstrapServers(), new NewTopic("tc", 1, (short) 1));
        EmbeddedKafkaIT.produce(KAFKA.getBootstrapServers(), "tc", Map.of("k", "v"));

        assertThat(EmbeddedKafkaIT.consumeValues(KAFKA.getBootstrapServers(), "tc", 1))
                .containsExactly("v");
    }

    @Test
    void containerisedPostgresIsVersion17() throws Exception {
        try (Connection c = DriverManager.getConnection(
                        POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword());
                ResultSet rs = c.createStatement().executeQuery("show server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1) / 10000).isEqualTo(17);
        }
    }
}
