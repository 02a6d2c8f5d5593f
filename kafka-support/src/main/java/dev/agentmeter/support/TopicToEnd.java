package dev.agentmeter.support;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reading a topic from its beginning up to where it ended when the reading began: how the CLI,
 * the processor's price seeder, the dashboard and the producer client's budget watch learn a
 * compacted topic's content. A read-committed consumer's end is the last stable offset, so an
 * open transaction's records are not waited for.
 */
public final class TopicToEnd {

    private TopicToEnd() {}

    /** What is done with each record read. */
    @FunctionalInterface
    public interface RecordHandler<K, V> {
        void handle(ConsumerRecord<K, V> record);
    }

    /** Told why the partitions are not there yet, before each pause. */
    @FunctionalInterface
    public interface WaitReason {
        void waiting(String why);
    }

    /** Where some partitions ended when it was taken. */
    public record Mark(Map<TopicPartition, Long> ends) {

        public Mark {
            ends = Map.copyOf(ends);
        }

        /** Whether {@code consumer}'s positions have reached the mark on every partition. */
        public boolean reachedBy(Consumer<?, ?> consumer) {
            return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }
    }

    /** The partitions of {@code topic}; empty when it does not exist (or the broker did not say within {@code timeout}). */
    public static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        return infos == null
                ? List.of()
                : infos.stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
    }

    /**
     * The partitions of {@code topic}, asking again after {@code pause} while the topic does not
     * exist yet or Kafka cannot be reached: a part that follows a topic starts before the topic or
     * the broker does. Each reason goes to {@code reason} first ("topic T does not exist yet",
     * "cannot reach Kafka for T: …"). Null once {@code running} answers false or the thread is
     * interrupted (then its flag is set again).
     */
    public static List<TopicPartition> awaitPartitions(
            Consumer<?, ?> consumer, String topic, Duration pause, BooleanSupplier running, WaitReason reason) {
        while (running.getAsBoolean()) {
            try {
                List<TopicPartition> found = partitions(consumer, topic, Duration.ofSeconds(10));
                if (!found.isEmpty()) {
                    return found;
                }
                reason.waiting("topic " + topic + " does not exist yet");
            } catch (TimeoutException e) {
                reason.waiting("cannot reach Kafka for " + topic + ": " + e.getMessage());
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Where {@code partitions} end now. */
    public static Mark mark(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        return new Mark(consumer.endOffsets(partitions));
    }

    /**
     * Assigns {@code partitions}, reads them from the beginning and hands every record to
     * {@code each} until the end they had when the read began, or {@code timeout} passed.
     *
     * @return whether the end was reached
     */
    public static <K, V> boolean read(
            Consumer<K, V> consumer,
            Collection<TopicPartition> partitions,
            Duration timeout,
            RecordHandler<K, V> each) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Mark end = mark(consumer, partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!end.reachedBy(consumer)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(each::handle);
        }
        return true;
    }
}
