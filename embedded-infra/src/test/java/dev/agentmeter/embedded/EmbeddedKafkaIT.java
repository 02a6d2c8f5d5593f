package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

    @Test
    void recordsSurviveABrokerRestartOnTheSamePort() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary().start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopics(new NewTopic("t", 2, (short) 1));
            produce(bootstrap, "t", Map.of("k1", "v1", "k2", "v2"));

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();

            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, "t", Map.of("k3", "v3"));
            assertThat(consumeValues(bootstrap, "t", 3)).containsExactlyInAnyOrder("v1", "v2", "v3");
        }
    }

    @Test
    void transactionsWorkOnTheSingleNode() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary().start()) {
            kafka.createTopics(new NewTopic("tx", 1, (short) 1));
            Properties p = producerProps(kafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.initTransactions();
                producer.beginTransaction();
                Future<RecordMetadata> aborted = producer.send(new ProducerRecord<>("tx", "a", "aborted"));
                producer.flush();
                assertThat(aborted).isDone(); // sent: the abort, not a failed send, keeps it from readers
                producer.abortTransaction();
                producer.beginTransaction();
                Sends.of(producer)
                        .add(producer.send(new ProducerRecord<>("tx", "b", "committed")))
                        .await();
                producer.commitTransaction();
            }
            assertThat(consumeValues(kafka.bootstrapServers(), "tx", 1)).containsExactly("committed");
        }
    }

    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    static void produce(String bootstrap, String topic, Map<String, String> records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            for (var e : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue()))
                        .get();
            }
        }
    }

    /** The values on {@code topic} once {@code expected} arrived (or 30 s passed), then 0.5 s more: extras fail the test too. */
    static List<String> consumeValues(String bootstrap, String topic, int expected) {
        return TopicReader.await(bootstrap, topic, expected, Duration.ofSeconds(30), Duration.ofMillis(500)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }
}
