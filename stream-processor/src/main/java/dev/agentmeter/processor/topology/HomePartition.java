package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.UsageEvent;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The partition where an event is de-duplicated and priced: the one its {@code eventId} hashes to
 * with Kafka's default partitioner. The eventId is the contract's one idempotency key, so every copy
 * of an event (whatever its timestamp, record key or sessionId) meets the others on this task and
 * in its de-duplication store. It is computed from the value, never from the record key. A producer
 * that keys raw records by eventId (the producer client, the collector) has put the event there
 * already; events keyed otherwise (a sessionId, nothing) take the {@code by-home-partition} detour.
 */
final class HomePartition implements StreamPartitioner<String, Accepted> {

    static int of(UsageEvent event, int partitions) {
        return Utils.toPositive(Utils.murmur2(event.eventId().getBytes(UTF_8))) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Accepted value, int numPartitions) {
        return Optional.of(Set.of(of(value.event(), numPartitions)));
    }
}
