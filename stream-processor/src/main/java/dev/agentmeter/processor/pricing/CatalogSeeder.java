package dev.agentmeter.processor.pricing;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.support.TopicToEnd;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the bundled catalog to the prices topic at start-up, but only for model keys the topic
 * does not hold yet: a price someone published (or deleted) stays as they left it.
 */
public final class CatalogSeeder {

    private static final Logger log = LoggerFactory.getLogger(CatalogSeeder.class);
    /** The start fails, saying so, rather than waiting for ever on a topic it cannot read to its end. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private CatalogSeeder() {}

    /** Returns how many entries were published. */
    public static int seed(String topic, List<ModelPrice> catalog, Map<String, Object> clientProps) {
        Set<String> present = keysIn(topic, clientProps);
        List<ModelPrice> missing =
                catalog.stream().filter(p -> !present.contains(p.modelKey())).toList();
        if (missing.isEmpty()) {
            return 0;
        }
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, ModelPrice> producer =
                new KafkaProducer<>(p, new StringSerializer(), ContractSerdes.modelPrice())) {
            for (ModelPrice price : missing) {
                producer.send(new ProducerRecord<>(topic, price.modelKey(), price))
                        .get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot seed the price catalog into " + topic, e.getCause());
        }
        log.info(
                "Seeded {} of {} bundled prices into {} ({} already there)",
                missing.size(),
                catalog.size(),
                topic,
                present.size());
        return missing.size();
    }

    /** Every key ever written to the topic, tombstones included (a deleted price must stay deleted). */
    private static Set<String> keysIn(String topic, Map<String, Object> clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = TopicToEnd.partitions(consumer, topic, Duration.ofSeconds(30));
            if (!TopicToEnd.read(consumer, parts, READ_TIMEOUT, r -> {
                if (r.key() != null) {
                    keys.add(r.key());
                }
            })) {
                throw new IllegalStateException(
                        "cannot seed " + topic + ": not read to its end within " + READ_TIMEOUT.toSeconds() + " s");
            }
        }
        return keys;
    }
}
