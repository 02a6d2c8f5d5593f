package dev.agentmeter.processor.topology;

import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.model.json.JsonSerde;
import dev.agentmeter.model.json.PlainUsageEventReader;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A valid event on its way to pricing, with the bytes it arrived as when those were the contract's
 * plain shape ({@code plainJson}, else null): the priced record then carries them verbatim instead
 * of the event written anew (see {@link ContractJson#pricedBytes}).
 */
record Accepted(UsageEvent event, byte[] plainJson) {

    private static final JsonSerde<UsageEvent> EVENTS = ContractSerdes.usageEvent();

    /**
     * For the {@code by-home-partition} detour: the plain bytes as they arrived (else the event
     * written by the contract's writer), read back with the plain reader first.
     */
    static Serde<Accepted> serde() {
        return Serdes.serdeFrom(
                (topic, a) -> a == null ? null : a.plainJson() != null ? a.plainJson() : EVENTS.serialize(topic, a.event()),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    UsageEvent plain = PlainUsageEventReader.read(bytes);
                    return plain != null ? new Accepted(plain, bytes) : new Accepted(EVENTS.deserialize(topic, bytes), null);
                });
    }
}
