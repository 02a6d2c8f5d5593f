package dev.agentmeter.processor.aggregate;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Everything the aggregation does at commit time, behind one seam:
 * {@link #schedule(ProcessorContext, String, Duration, Runnable)} runs a processor's flush in every
 * commit of its task, before the transaction with the input offsets commits, and, between
 * commits, every {@code interval} of wall-clock time — but not when a commit flushed less than an
 * interval ago.
 *
 * <p><b>Why at commit.</b> The {@link DeltaCombiner} and the {@link SpendProcessor} hold what they
 * add in memory and send or write it when flushed. Flushed inside the commit, whatever a commit
 * covers has been sent in the same transaction, so the in-memory part never needs a changelog: a
 * crash aborts the transaction and replays the input into an empty buffer.
 *
 * <p><b>How.</b> The component is a state store that stores nothing. Kafka Streams calls
 * {@code flushCache()} on every {@link CachedStateStore} of a task in
 * {@code StreamTask.prepareCommit} — on the commit interval, on a requested commit, and before a
 * task is suspended or closed cleanly: the hook the KTable caches use to emit on commit. The flush
 * runs as the scheduling processor, with a record context without a source record, as a
 * punctuation does, so what it forwards reaches that processor's children.
 *
 * <p><b>Internal API.</b> {@code CachedStateStore}, {@code InternalProcessorContext},
 * {@code ProcessorNode} and {@code ProcessorRecordContext} are internal to Kafka Streams: this is
 * the only class that touches them. A changed signature fails compilation here; a changed
 * behaviour (no flush at commit, a wrapped store) fails {@code CommitFlushTest}, which names what
 * changed.
 *
 * <p><b>Timing.</b> With the defaults (commit and flush interval both 1 s) a wall-clock
 * punctuation would find a commit's flush shortly before it and flush again what arrived since;
 * skipping it keeps one flush per commit. With a commit interval longer than the flush interval
 * (as under at-least-once), the punctuation still flushes in between.
 */
public final class CommitFlush implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private boolean open;
    private Runnable onCommit = () -> {};

    private CommitFlush(String name) {
        this.name = name;
    }

    /**
     * From a processor's {@code init}: runs {@code flush} in every commit of the task (through the
     * store {@code storeName}, connected to the processor) and on the wall clock in between.
     */
    public static void schedule(ProcessorContext<?, ?> context, String storeName, Duration interval, Runnable flush) {
        CommitFlush store = context.getStateStore(storeName);
        long intervalMs = interval.toMillis();
        long[] lastFlushMs = {-intervalMs}; // an interval back: the first punctuation flushes
        store.bind(context, () -> {
            flush.run();
            lastFlushMs[0] = context.currentSystemTimeMs();
        });
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (now - lastFlushMs[0] >= intervalMs) {
                flush.run();
                lastFlushMs[0] = now;
            }
        });
    }

    /** Builds the store; it has no changelog and no cache of its own, whatever is asked. */
    public static StoreBuilder<CommitFlush> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitFlush> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitFlush> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitFlush> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<CommitFlush> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitFlush build() {
                return new CommitFlush(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** Runs {@code action} at commit as the processor whose context is given. */
    private void bind(ProcessorContext<?, ?> context, Runnable action) {
        if (!(context instanceof InternalProcessorContext<?, ?> internal)) {
            // A MockProcessorContext never commits, so a test on it would never see the flush as Kafka Streams runs it.
            throw new IllegalArgumentException("CommitFlush runs in a Kafka Streams task (KafkaStreams or"
                    + " TopologyTestDriver), not in " + context.getClass().getName());
        }
        ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        onCommit = () -> {
            ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
            ProcessorRecordContext previousRecord = internal.recordContext();
            // As StreamTask.punctuate does: this node in scope, a record context without a source record.
            internal.setCurrentNode(node);
            internal.setRecordContext(
                    new ProcessorRecordContext(context.currentSystemTimeMs(), -1L, -1, null, new RecordHeaders()));
            try {
                action.run();
            } finally {
                internal.setRecordContext(previousRecord);
                internal.setCurrentNode(previousNode);
            }
        };
    }

    /** What Kafka Streams calls while it prepares a commit. */
    @Override
    public void flushCache() {
        onCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {});
        open = true;
    }

    @Override
    public void close() {
        open = false;
        onCommit = () -> {};
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
