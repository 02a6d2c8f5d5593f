package dev.agentmeter.processor.topology;

import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.model.json.JsonSerde;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.processor.reject.RecordRejected;
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
     * written by the contract's writer), read back through {@code parser}, which validates them
     * again. Only this processor writes the detour, but anybody allowed to write a topic may: a
     * record there is input like any other, and one that is not a valid event is refused
     * ({@link RecordRejected}, so it goes to the rejected topic with its reason) instead of reaching
     * pricing and the aggregates, where it would fail a commit and stop the task.
     */
    static Serde<Accepted> serde(UsageEventParser parser) {
        return Serdes.serdeFrom(
                (topic, a) ->
                        a == null ? null : a.plainJson() != null ? a.plainJson() : EVENTS.serialize(topic, a.event()),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    UsageEventParser.Result read = parser.parse(bytes);
                    if (!read.valid()) {
                        throw new RecordRejected(read.violations().get(0));
                    }
                    return new Accepted(read.event(), read.plain() ? bytes : null);
                });
    }
}
