package dev.agentmeter.embedded;

import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a test produces, and the proof that the broker took it: a send a test ignores fails
 * silently, and the test fails later, on a count, far from the cause.
 */
public final class Sends {

    private final Producer<?, ?> producer;
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();

    private Sends(Producer<?, ?> producer) {
        this.producer = producer;
    }

    public static Sends of(Producer<?, ?> producer) {
        return new Sends(producer);
    }

    /** Sends every record and waits until the broker took all of them. */
    public static <K, V> void all(Producer<K, V> producer, Iterable<ProducerRecord<K, V>> records) {
        Sends sends = of(producer);
        records.forEach(r -> sends.add(producer.send(r)));
        sends.await();
    }

    /**
     * Publishes {@code records} (key → value, in order) to {@code topic} at {@code bootstrap} with a
     * producer of its own, and waits until the broker took all of them.
     */
    public static void records(String bootstrap, String topic, List<Map.Entry<String, byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            all(
                    producer,
                    records.stream()
                            .map(r -> new ProducerRecord<>(topic, r.getKey(), r.getValue()))
                            .toList());
        }
    }

    /** Publishes the events as the contract's JSON, each keyed by its eventId, and waits until the broker took them. */
    public static void events(String bootstrap, String topic, List<UsageEvent> events) {
        records(
                bootstrap,
                topic,
                events.stream()
                        .map(e -> Map.entry(e.eventId(), ContractJson.toBytes(e)))
                        .toList());
    }

    /** Keeps a send's future, to be awaited with the others. */
    public Sends add(Future<RecordMetadata> send) {
        sent.add(send);
        return this;
    }

    /** Flushes and waits for every send kept: the first failure fails the test, with its cause. */
    public void await() {
        producer.flush();
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the test's sends", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a test record was not produced: " + e.getCause(), e.getCause());
        } finally {
            sent.clear();
        }
    }
}
