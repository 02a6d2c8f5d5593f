package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extensions give a working broker and database, embedded or named by the environment. */
class ExtensionsIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @Test
    void kafkaExtensionGivesAWorkingBroker() throws Exception {
        String topic = kafka.uniqueTopic("ext");
        kafka.createTopics(new NewTopic(topic, 1, (short) 1));
        EmbeddedKafkaIT.produce(kafka.bootstrapServers(), topic, Map.of("k", "hello"));

        assertThat(EmbeddedKafkaIT.consumeValues(kafka.bootstrapServers(), topic, 1))
                .containsExactly("hello");
    }

    @Test
    void postgresExtensionGivesAWorkingDatabase() throws Exception {
        try (Connection c = postgres.connect();
                ResultSet rs = c.createStatement().executeQuery("select 0.1::numeric + 0.2::numeric")) {
            rs.next();
            assertThat(rs.getBigDecimal(1).toPlainString()).isEqualTo("0.3");
        }
    }
}
