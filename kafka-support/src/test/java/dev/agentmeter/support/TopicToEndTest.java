package dev.agentmeter.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The reading loop alone, on Kafka's in-memory consumer; the parts that use it read a real broker
 * in their integration tests (CLI {@code prices list}, the processor's seeding, the dashboard, the
 * producer client's budget watch).
 */
class TopicToEndTest {

    private static final TopicPartition P0 = new TopicPartition("prices", 0);
    private static final TopicPartition P1 = new TopicPartition("prices", 1);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");

    private void topicWith(long end0, long end1) {
        consumer.updatePartitions(
                "prices",
                List.of(
                        new PartitionInfo("prices", 0, null, null, null),
                        new PartitionInfo("prices", 1, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, end0, P1, end1));
    }

    @Test
    void readsEveryPartitionUpToWhereItEndedWhenTheReadBegan() {
        topicWith(2, 1);
        consumer.schedulePollTask(() -> {
            consumer.addRecord(new ConsumerRecord<>("prices", 0, 0, "a", "1"));
            consumer.addRecord(new ConsumerRecord<>("prices", 1, 0, "b", "2"));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>("prices", 0, 1, "a", "3")));
        List<String> read = new ArrayList<>();

        boolean reached = TopicToEnd.read(
                consumer,
                TopicToEnd.partitions(consumer, "prices", Duration.ofSeconds(1)),
                Duration.ofSeconds(10),
                r -> read.add(r.key() + "=" + r.value()));

        assertThat(reached).isTrue();
        assertThat(read).containsExactlyInAnyOrder("a=1", "b=2", "a=3");
        assertThat(read.indexOf("a=1")).as("a partition in its order").isLessThan(read.indexOf("a=3"));
    }

    @Test
    void anEmptyTopicIsAtItsEndAtOnce() {
        topicWith(0, 0);

        assertThat(TopicToEnd.read(consumer, List.of(P0, P1), Duration.ZERO, r -> {}))
                .isTrue();
    }

    @Test
    void aReadThatCannotReachTheEndStopsAtTheTimeoutAndSaysSo() {
        topicWith(5, 0); // five records that never arrive

        assertThat(TopicToEnd.read(consumer, List.of(P0, P1), Duration.ofMillis(300), r -> {}))
                .isFalse();
    }

    @Test
    void aTopicThatDoesNotExistHasNoPartitions() {
        assertThat(TopicToEnd.partitions(consumer, "missing", Duration.ofSeconds(1)))
                .isEmpty();
    }

    @Test
    void aMarkIsReachedOnceEveryPartitionsPositionIsAtItsEnd() {
        topicWith(1, 0);
        consumer.assign(List.of(P0, P1));
        consumer.seekToBeginning(List.of(P0, P1));
        TopicToEnd.Mark mark = TopicToEnd.mark(consumer, List.of(P0, P1));
        assertThat(mark.reachedBy(consumer)).isFalse();

        consumer.seek(P0, 1);

        assertThat(mark.reachedBy(consumer)).isTrue();
    }

    @Test
    void awaitingPartitionsSaysWhyAndAsksAgainUntilTheTopicExists() {
        List<String> reasons = new ArrayList<>();
        int[] asked = {0};

        List<TopicPartition> found = TopicToEnd.awaitPartitions(
                consumer,
                "prices",
                Duration.ofMillis(1),
                () -> {
                    if (++asked[0] == 3) {
                        topicWith(0, 0); // created while the part waited
                    }
                    return true;
                },
                reasons::add);

        assertThat(found).containsExactly(P0, P1);
        assertThat(reasons).containsExactly("topic prices does not exist yet", "topic prices does not exist yet");
    }

    @Test
    void awaitingPartitionsEndsWithNullOnceStopped() {
        List<String> reasons = new ArrayList<>();

        assertThat(TopicToEnd.awaitPartitions(consumer, "prices", Duration.ofMillis(1), () -> false, reasons::add))
                .isNull();
        assertThat(reasons).isEmpty();
    }
}
