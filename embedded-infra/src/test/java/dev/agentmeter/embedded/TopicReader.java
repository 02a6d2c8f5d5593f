package dev.agentmeter.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what tests expect on a topic: every partition from the beginning, committed records only
 * ({@code read_committed}: a transaction that aborts must not count), keys as strings, values as
 * bytes. Waiting is bounded by a deadline and ends as soon as the expected records are there; a
 * short settle afterwards lets records produced twice show up, so a test can fail on them.
 */
public final class TopicReader {

    private static final Duration POLL = Duration.ofMillis(200);

    private TopicReader() {}

    /** Reads until {@code n} records arrived or {@code timeout} passed, then for {@code settle} more. */
    public static List<ConsumerRecord<String, byte[]>> await(
            String bootstrap, String topic, int n, Duration timeout, Duration settle) {
        return await(bootstrap, topic, records -> records.size() >= n, timeout, settle);
    }

    /** Reads until {@code enough} holds for what arrived or {@code timeout} passed, then for {@code settle} more. */
    public static List<ConsumerRecord<String, byte[]>> await(
            String bootstrap,
            String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> enough,
            Duration timeout,
            Duration settle) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            assignFromBeginning(c, topic, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!enough.test(out) && System.nanoTime() < deadline) {
                c.poll(POLL).forEach(out::add);
            }
            long settled = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settled) {
                c.poll(POLL).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Every committed record up to the partitions' current ends (for {@code read_committed}, the last
     * stable offsets), or what arrived within {@code timeout}.
     */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrap, String topic, Duration timeout) {
        return readToEnd(bootstrap, Map.of(), topic, timeout);
    }

    /** As above, with the client's security settings (SASL, TLS) in {@code security}. */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(
            String bootstrap, Map<String, ?> security, String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, security)) {
            List<TopicPartition> partitions = assignFromBeginning(c, topic, timeout);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(POLL).forEach(out::add);
            }
        }
        return out;
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, Map<String, ?> security) {
        // A reader never creates the topic it waits for: the component under test must.
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Returns once {@code topic} exists (another component creates it); fails after {@code timeout}. */
    public static void awaitTopic(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            partitions(c, topic, timeout);
        }
    }

    /** Assigned, not subscribed: no group, no rebalance to wait for, no offsets left behind on the broker. */
    private static List<TopicPartition> assignFromBeginning(
            KafkaConsumer<String, byte[]> c, String topic, Duration timeout) {
        List<TopicPartition> partitions = partitions(c, topic, timeout);
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return partitions;
    }

    /**
     * The topic's partitions. A topic another component creates (a dead-letter queue, a Streams
     * output) may not exist yet: its metadata is asked again until it does, within {@code timeout}.
     */
    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TopicPartition> partitions = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + topic + " does not exist after " + timeout);
            }
            pause();
        }
    }

    /** Between metadata requests: a topic's creation cannot be waited on otherwise. */
    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a topic", e);
        }
    }
}
