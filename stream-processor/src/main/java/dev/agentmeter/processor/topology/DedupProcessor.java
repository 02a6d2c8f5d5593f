package dev.agentmeter.processor.topology;

import dev.agentmeter.processor.metrics.ProcessorMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Drops events whose eventId was seen before. Every copy of an event reaches this task (its
 * {@link HomePartition}); the store remembers each id at its event timestamp (a redelivery carries
 * the same one) for the configured retention.
 */
final class DedupProcessor implements Processor<String, Accepted, String, Accepted> {

    private final String storeName;
    private final ProcessorMetrics metrics;
    private ProcessorContext<String, Accepted> context;
    private WindowStore<String, Long> seen;

    DedupProcessor(String storeName, ProcessorMetrics metrics) {
        this.storeName = storeName;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Accepted> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Accepted> record) {
        long at = record.value().event().timestamp().toEpochMilli();
        // A point lookup (no iterator): a redelivery carries the same event timestamp.
        if (seen.fetch(record.key(), at) != null) {
            metrics.duplicate();
            return;
        }
        seen.put(record.key(), at, at);
        context.forward(record);
    }
}
