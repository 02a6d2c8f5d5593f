package dev.agentmeter.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits on what a consumer group has committed instead of sleeping: a group is caught up when its
 * committed offset on every partition of the given topics equals the partition's end offset
 * (transaction markers included). Kafka Streams commits its consumer position, which moves past
 * markers; a Connect sink commits after its last record, one short of a trailing marker, so this
 * is not the test for a sink reading a transactional topic.
 */
public final class ConsumerGroups {

    private ConsumerGroups() {}

    /** Polls until {@code group} has committed the end of every partition of {@code topics}; fails after the timeout. */
    public static void awaitCaughtUp(String bootstrap, String group, Duration timeout, String... topics)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lag = "";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            while (System.nanoTime() < deadline) {
                try {
                    lag = lag(admin, group, topics);
                    if (lag.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lag = e.getCause().toString(); // broker restarting, topic being created: try again
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("group " + group + " not caught up within " + timeout + ": " + lag);
    }

    /** The sum of {@code group}'s committed offsets on {@code topic} (0 before its first commit). */
    public static long committed(String bootstrap, String group, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (ExecutionException e) {
            return 0; // group unknown yet, or the broker restarting
        }
    }

    /** Partitions still behind, as "topic-partition committed/end", or "" when none. */
    private static String lag(Admin admin, String group, String... topics)
            throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(List.of(topics))
                .allTopicNames()
                .get()
                .forEach((topic, description) -> description
                        .partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> end = admin
                .listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all()
                .get()
                .entrySet()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        return partitions.stream()
                .filter(tp -> {
                    OffsetAndMetadata c = committed.get(tp);
                    long done = c == null ? 0 : c.offset();
                    return done < end.get(tp);
                })
                .map(tp -> tp + " "
                        + (committed.get(tp) == null ? "-" : committed.get(tp).offset()) + "/" + end.get(tp))
                .collect(Collectors.joining(", "));
    }
}
