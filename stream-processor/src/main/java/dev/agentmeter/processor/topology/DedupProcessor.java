package dev.agentmeter.processor.topology;

import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Drops events whose eventId was seen before: the first copy processed counts, every later one is
 * a duplicate, whatever its timestamp. Every copy reaches this task ({@link HomePartition}).
 *
 * <p>The store ({@link UsageTopology#dedupStore}) is a window store so that old ids leave with
 * whole segments instead of one tombstone each, but a duplicate may carry any timestamp, so an id
 * cannot be looked up at its event time. Ids are filed instead under the start of the current
 * <i>bucket</i> of wall-clock time, one bucket per segment ({@code retention} long), and a lookup
 * is a point get in each bucket that may hold one: the current one, the one before, and the next
 * one (a task that moved from a host whose clock runs ahead). The store keeps two retentions, so
 * an id is remembered from at least {@code retention} to at most twice that after it arrived.
 */
final class DedupProcessor implements Processor<String, Accepted, String, Accepted> {

    private final ProcessorMetrics metrics;
    private final long bucketMs;
    private ProcessorContext<String, Accepted> context;
    private WindowStore<String, Long> seen;

    DedupProcessor(ProcessorMetrics metrics, Duration retention) {
        this.metrics = metrics;
        this.bucketMs = retention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, Accepted> context) {
        this.context = context;
        this.seen = context.getStateStore(UsageTopology.DEDUP_STORE);
    }

    @Override
    public void process(Record<String, Accepted> record) {
        String eventId = record.key();
        long now = context.currentSystemTimeMs();
        long bucket = now - Math.floorMod(now, bucketMs);
        // A get in a bucket whose segment does not exist (the next one, usually) touches no RocksDB.
        if (seen.fetch(eventId, bucket) != null
                || seen.fetch(eventId, bucket - bucketMs) != null
                || seen.fetch(eventId, bucket + bucketMs) != null) {
            metrics.duplicate();
            return;
        }
        seen.put(eventId, record.value().event().timestamp().toEpochMilli(), bucket);
        context.forward(record);
    }
}
