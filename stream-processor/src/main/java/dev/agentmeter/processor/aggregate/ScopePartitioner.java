package dev.agentmeter.processor.aggregate;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The partition that owns a scope: its key ({@code user:alice}) hashed as Kafka's default
 * partitioner hashes a String key, so the interactive queries' {@code queryMetadataForKey} finds
 * the same owner. A by-scope batch holds scopes of one partition only (the {@link DeltaCombiner}
 * groups them with {@link #of}), so its first scope decides.
 */
public final class ScopePartitioner implements StreamPartitioner<String, List<ScopeInput>> {

    public static int of(String scopeKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(scopeKey.getBytes(UTF_8))) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, List<ScopeInput> batch, int numPartitions) {
        return Optional.of(Set.of(of(batch.get(0).scope().toString(), numPartitions)));
    }
}
