package dev.agentmeter.processor.aggregate;

import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * A state store that stores nothing: it lets a processor run code while Kafka Streams prepares a
 * commit, before the transaction with the input offsets is committed. That is the moment the
 * {@link DeltaCombiner} sends what it holds in memory, so its pending deltas never need a
 * changelog: whatever a commit covers has been sent inside the same transaction, and a crash
 * aborts the transaction and replays the input into an empty buffer.
 *
 * <p>Kafka Streams calls {@code flushCache()} on every {@link CachedStateStore} of a task in
 * {@code StreamTask.prepareCommit} — on the commit interval, on a requested commit (which commits
 * every task of the thread), and before a task is suspended or closed cleanly. It is the hook the
 * KTable caches use to emit on commit. Both types used here ({@code CachedStateStore},
 * {@code InternalProcessorContext}) are internal Kafka Streams API: the Kafka version is pinned in
 * the parent pom, and the exactly-once ITs (restart, {@code ChaosIT} kills) guard the behaviour.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private boolean open;
    private Runnable onCommit = () -> { };

    private CommitHook(String name) {
        this.name = name;
    }

    /**
     * Runs {@code action} in every commit of the task, as the processor whose context is given:
     * forwarding from it reaches that processor's children, as from a punctuation.
     */
    public void onCommit(ProcessorContext<?, ?> context, Runnable action) {
        if (!(context instanceof InternalProcessorContext<?, ?> internal)) {
            onCommit = action; // a test's mock context: always in scope
            return;
        }
        ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        onCommit = () -> {
            ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
            ProcessorRecordContext previousRecord = internal.recordContext();
            // As StreamTask.punctuate does: this node in scope, a record context without a source record.
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(context.currentSystemTimeMs(), -1L, -1, null,
                    new RecordHeaders()));
            try {
                action.run();
            } finally {
                internal.setRecordContext(previousRecord);
                internal.setCurrentNode(previousNode);
            }
        };
    }

    @Override
    public void flushCache() {
        onCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void close() {
        open = false;
        onCommit = () -> { };
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the hook; it has no changelog and no cache of its own, whatever is asked. */
    public static StoreBuilder<CommitHook> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitHook> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitHook build() {
                return new CommitHook(name);
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
}
