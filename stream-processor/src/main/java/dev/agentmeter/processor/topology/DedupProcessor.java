package dev.agentmeter.processor.topology;

import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops events whose eventId was seen before. Every copy of an event reaches this task (its
 * {@link HomePartition}); the store remembers each id at its event timestamp (a redelivery carries
 * the same one) for the configured retention.
 * <p>
 * <b>Ids from before the upgrade.</b> Earlier builds kept the ids in {@value
 * UsageTopology#LEGACY_DEDUP_STORE}, keyed eventId first; {@value UsageTopology#DEDUP_STORE} keys
 * them event time first, which keeps a new id's lookup and put near the newest entries (see
 * {@link UsageTopology#dedupStore}). The old store stays attached, written only by this class's
 * bookkeeping, until the ids in it have left the retention. On a task's first event the processor
 * decides once:
 * <ul>
 *   <li>the old store is empty (a new deployment): it is never read;</li>
 *   <li>it holds ids: every one has an event time at most {@code legacyUntil} = the wall clock +
 *       {@code max.future.skew} (the validator's limit when they were accepted) + one hour for
 *       clocks that differ between hosts. An event at or before it that the new store has not seen
 *       is also looked up in the old store. The bound is kept in the old store under
 *       {@link #CUTOVER_KEY}, so a restart or another instance uses the same one;</li>
 *   <li>once events are more than the retention past {@code legacyUntil}, no id in the old store
 *       can match; when they are also a segment past it, the processor writes "retired" under
 *       {@link #CUTOVER_KEY} at that event's time, which moves the old store's clock so it drops
 *       every segment of old ids from disk. A restart then reads "retired".</li>
 * </ul>
 * So for about a day after the upgrade a new id costs one more lookup, as it did before.
 */
final class DedupProcessor implements Processor<String, Accepted, String, Accepted> {

    private static final Logger log = LoggerFactory.getLogger(DedupProcessor.class);

    /**
     * Where the cutover is kept in the old store: longer than any eventId the validator accepts, so
     * no event can be mistaken for it.
     */
    static final String CUTOVER_KEY = "agentmeter:legacy-cutover:" + "~".repeat(UsageEventValidator.MAX_EVENT_ID);

    /** Allowance for hosts whose clocks differ, on top of {@code max.future.skew}. */
    static final Duration CLOCK_ALLOWANCE = Duration.ofHours(1);

    /** {@link #legacyUntil}: not decided yet (no event on this task since it started). */
    private static final long UNDECIDED = Long.MAX_VALUE;
    /** {@link #legacyUntil}: the old store is not read (also stored: "retired"). */
    private static final long NONE = Long.MIN_VALUE;

    private final ProcessorMetrics metrics;
    private final long retentionMs;
    private final long maxFutureSkewMs;
    /** The old store's segment length (Kafka's window store default: half the retention, at least a minute). */
    private final long legacySegmentMs;
    private ProcessorContext<String, Accepted> context;
    private TimestampedWindowStore<String, Long> seen;
    private WindowStore<String, Long> legacy;
    private long legacyUntil = UNDECIDED;

    DedupProcessor(ProcessorMetrics metrics, Duration retention, Duration maxFutureSkew) {
        this.metrics = metrics;
        this.retentionMs = retention.toMillis();
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.legacySegmentMs = Math.max(retentionMs / 2, 60_000L);
    }

    @Override
    public void init(ProcessorContext<String, Accepted> context) {
        this.context = context;
        this.seen = context.getStateStore(UsageTopology.DEDUP_STORE);
        this.legacy = context.getStateStore(UsageTopology.LEGACY_DEDUP_STORE);
    }

    @Override
    public void process(Record<String, Accepted> record) {
        long at = record.value().event().timestamp().toEpochMilli();
        // Point lookups (no iterator): a redelivery carries the same event timestamp.
        if (seen.fetch(record.key(), at) != null || seenBeforeUpgrade(record.key(), at)) {
            metrics.duplicate();
            return;
        }
        seen.put(record.key(), ValueAndTimestamp.make(at, at), at);
        context.forward(record);
    }

    private boolean seenBeforeUpgrade(String eventId, long at) {
        if (legacyUntil == UNDECIDED) {
            // Decided here, not in init(): the cutover entry is written with this event's transaction.
            legacyUntil = decideLegacyUntil(at);
        }
        if (legacyUntil == NONE) {
            return false;
        }
        if (at - retentionMs > legacyUntil) {
            if (at - retentionMs - legacySegmentMs > legacyUntil) {
                retireLegacy(at);
            }
            return false;
        }
        return at <= legacyUntil && legacy.fetch(eventId, at) != null;
    }

    private long decideLegacyUntil(long at) {
        Long latest = null;
        try (WindowStoreIterator<Long> cutover = legacy.fetch(CUTOVER_KEY, 0L, Long.MAX_VALUE)) {
            while (cutover.hasNext()) {
                latest = cutover.next().value; // in time order: a "retired" entry comes after the bound
            }
        }
        if (latest != null) {
            return latest;
        }
        try (KeyValueIterator<Windowed<String>, Long> any = legacy.all()) {
            if (!any.hasNext()) {
                return NONE;
            }
        }
        long until = context.currentSystemTimeMs() + maxFutureSkewMs + CLOCK_ALLOWANCE.toMillis();
        // At this event's time, not the wall clock's: the old store expires ids by the newest time put.
        legacy.put(CUTOVER_KEY, until, at);
        log.info("Task {}: {} holds eventIds from before the upgrade; new events up to {} are looked up there"
                + " too, until events are more than the retention later", context.taskId(),
                UsageTopology.LEGACY_DEDUP_STORE, Instant.ofEpochMilli(until));
        return until;
    }

    private void retireLegacy(long at) {
        legacy.put(CUTOVER_KEY, NONE, at);
        log.info("Task {}: the eventIds in {} have left the retention; it is no longer read", context.taskId(),
                UsageTopology.LEGACY_DEDUP_STORE);
        legacyUntil = NONE;
    }
}
