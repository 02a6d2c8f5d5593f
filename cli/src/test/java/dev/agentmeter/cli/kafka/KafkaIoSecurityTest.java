package dev.agentmeter.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's Kafka security settings, from a file and the environment. */
class KafkaIoSecurityTest {

    @TempDir
    Path dir;

    @Test
    void theEnvironmentWinsOverTheFileAndOnlySecurityKeysAreTaken() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nacks=0\n");

        Map<String, Object> settings = KafkaIo.security(Map.of(
                KafkaIo.CONFIG_ENV,
                file.toString(),
                "AGENTMETER_KAFKA_SASL_MECHANISM",
                "PLAIN",
                "AGENTMETER_KAFKA_SASL_JAAS_CONFIG",
                "x required;",
                "AGENTMETER_KAFKA",
                "broker:9092",
                "AGENTMETER_KAFKA_LINGER_MS",
                "5"));

        assertThat(settings)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", "x required;"));
    }

    @Test
    void withoutSettingsTheClientIsPlaintext() {
        assertThat(KafkaIo.security(Map.of("AGENTMETER_KAFKA", "localhost:9092")))
                .isEmpty();
    }
}
