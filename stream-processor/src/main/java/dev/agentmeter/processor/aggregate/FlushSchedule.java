package dev.agentmeter.processor.aggregate;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Runs a flush on every commit of the task ({@link CommitHook}) and, between commits, every
 * {@code interval} of wall-clock time - but not when a commit flushed less than an interval ago.
 * With the default settings (commit and flush interval both 1 s) the punctuation found a commit's
 * flush shortly before it and flushed again what had arrived since: the combiner sent every active
 * scope twice a second and the aggregator wrote every active window twice. Now each does so once per
 * commit: spend reaches the owner and the store later on average, the worst case (about two
 * intervals from event to query) is unchanged. With a commit interval longer than the flush
 * interval (as under at-least-once), the punctuation still flushes in between.
 */
final class FlushSchedule {

    private final long intervalMs;
    /** Starts an interval back, so the first punctuation flushes. */
    private long lastFlushMs;

    private FlushSchedule(long intervalMs) {
        this.intervalMs = intervalMs;
        this.lastFlushMs = -intervalMs;
    }

    /** Schedules {@code flush} on {@code hook}'s commits and on the wall clock, from the processor's {@code init}. */
    static void start(ProcessorContext<?, ?> context, CommitHook hook, Duration interval, Runnable flush) {
        FlushSchedule schedule = new FlushSchedule(interval.toMillis());
        hook.onCommit(context, () -> {
            flush.run();
            schedule.flushedAt(context.currentSystemTimeMs());
        });
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (schedule.due(now)) {
                flush.run();
                schedule.flushedAt(now);
            }
        });
    }

    private boolean due(long nowMs) {
        return nowMs - lastFlushMs >= intervalMs;
    }

    private void flushedAt(long nowMs) {
        lastFlushMs = nowMs;
    }
}
