package dev.agentmeter.cli.kafka;

import dev.agentmeter.support.KafkaSecurity;
import dev.agentmeter.support.TopicToEnd;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The few Kafka operations the commands need, with short timeouts and errors a person can read. */
public final class KafkaIo {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** A properties file of client security settings, as the Kafka tools' {@code --command-config}. */
    public static final String CONFIG_ENV = "AGENTMETER_KAFKA_CONFIG";

    private static final Map<String, Object> SECURITY = security(System.getenv());

    private KafkaIo() {}

    /**
     * The security settings (SASL, TLS) every Kafka client of the CLI uses: the file that
     * {@value #CONFIG_ENV} names, then {@code AGENTMETER_KAFKA_SECURITY_PROTOCOL},
     * {@code AGENTMETER_KAFKA_SASL_MECHANISM}, {@code AGENTMETER_KAFKA_SASL_JAAS_CONFIG} and the other
     * {@code AGENTMETER_KAFKA_SASL_*} / {@code _SSL_*} variables, which win. Only {@code security.*},
     * {@code sasl.*} and {@code ssl.*} keys are taken; none: a plaintext cluster, as {@code up} runs.
     */
    static Map<String, Object> security(Map<String, String> env) {
        Map<String, Object> out = new HashMap<>();
        String file = env.get(CONFIG_ENV);
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalStateException(CONFIG_ENV + ": cannot read " + file + ": " + e.getMessage(), e);
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("AGENTMETER_KAFKA_") && !k.equals(CONFIG_ENV)) {
                out.put(
                        k.substring("AGENTMETER_KAFKA_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        v);
            }
        });
        return KafkaSecurity.settings(out);
    }

    /** A client's properties: the bootstrap servers and the CLI's security settings. */
    private static Properties client(String bootstrap) {
        Properties props = new Properties();
        props.putAll(SECURITY);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    /** An idempotent producer's properties ({@code acks=all}) with the CLI's short timeouts. */
    private static Properties producer(String bootstrap) {
        Properties props = client(bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() - 1000);
        return props;
    }

    /** A read-committed consumer's properties that never commits, with the CLI's short timeouts. */
    private static Properties consumerProperties(String bootstrap) {
        Properties props = client(bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return props;
    }

    /** Publishes one record (value null = tombstone) and waits for the broker's acknowledgement. */
    public static void publish(String bootstrap, String topic, String key, byte[] value) {
        Properties props = producer(bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value))
                    .get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (Exception e) { // the send's ExecutionException, the wait's timeout, a KafkaException
            throw new IllegalStateException(
                    "cannot publish to " + topic + " at " + bootstrap + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
    }

    /**
     * Publishes every record in one transaction: readers that read committed (the processor) see all
     * of them or, when anything fails, none.
     */
    public static void publishAll(String bootstrap, String topic, Map<String, byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Properties props = producer(bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "agentmeter-cli-" + topic + "-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                records.forEach((key, value) -> sent.add(producer.send(new ProducerRecord<>(topic, key, value))));
                producer.commitTransaction();
                for (Future<RecordMetadata> f : sent) {
                    f.get(); // done once committed; a failed send has failed the commit already
                }
            } catch (KafkaException e) {
                producer.abortTransaction();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing to " + topic, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot publish to " + topic + " at " + bootstrap, e.getCause());
            }
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "cannot publish to " + topic + " at " + bootstrap + " (nothing was): "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
    }

    /** The latest value per key of a compacted topic (tombstones remove the key), read to its end. */
    public static Map<String, byte[]> readCompacted(String bootstrap, String topic) {
        Map<String, byte[]> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = TopicToEnd.partitions(consumer, topic, TIMEOUT);
            if (partitions.isEmpty()) {
                throw new IllegalStateException(
                        "topic " + topic + " does not exist at " + bootstrap + " (is the pipeline up?)");
            }
            TopicToEnd.read(consumer, partitions, TIMEOUT, record -> {
                if (record.value() == null) {
                    latest.remove(record.key());
                } else {
                    latest.put(record.key(), record.value());
                }
            });
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + bootstrap + " did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
        return latest;
    }

    public static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = consumerProperties(bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "agentmeter-cli-" + UUID.randomUUID());
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A read-committed consumer of raw keys and values, without a committed position (assign, don't subscribe). */
    public static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap) {
        return new KafkaConsumer<>(
                consumerProperties(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** An idempotent producer of raw keys and values that waits for every replica ({@code acks=all}). */
    public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
        return new KafkaProducer<>(producer(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
    }
}
