package dev.agentmeter.processor.topology;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.model.json.JsonSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** A priced event and, when it arrived plain, the bytes it arrived as (see {@link Accepted}). */
record Priced(PricedUsage usage, byte[] plainEventJson) {

    private static final JsonSerde<PricedUsage> PRICED = ContractSerdes.pricedUsage();

    /**
     * For {@code agentmeter.usage.priced}: the event's own bytes plus pricing, cost and pricedAt when
     * it arrived plain (its JSON is not written again: that was a sixth of the processor's per-event
     * work), else the whole record written by the contract's writer. Read back as a priced record.
     */
    static Serde<Priced> serde() {
        return Serdes.serdeFrom(
                (topic, p) -> p == null
                        ? null
                        : p.plainEventJson() != null
                                ? ContractJson.pricedBytes(p.plainEventJson(), p.usage())
                                : PRICED.serialize(topic, p.usage()),
                (topic, bytes) -> bytes == null ? null : new Priced(PRICED.deserialize(topic, bytes), null));
    }
}
