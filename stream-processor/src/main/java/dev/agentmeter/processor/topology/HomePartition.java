package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.UsageEvent;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The partition where an event is de-duplicated and priced: the one its {@code sessionId} (or,
 * without one, its {@code eventId}) hashes to with Kafka's default partitioner. That is where the
 * contract's raw key already puts it, so a conforming producer's events are handled where they
 * land and only the others take the {@code by-home-partition} detour. Computed from the value,
 * never from the record key: every copy of an event reaches the same task, whatever key or
 * partition it was produced with, and all events of a session are priced on one task.
 */
final class HomePartition implements StreamPartitioner<String, Accepted> {

    static int of(UsageEvent event, int partitions) {
        String home = event.sessionId() != null ? event.sessionId() : event.eventId();
        return Utils.toPositive(Utils.murmur2(home.getBytes(UTF_8))) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Accepted value, int numPartitions) {
        return Optional.of(Set.of(of(value.event(), numPartitions)));
    }
}
