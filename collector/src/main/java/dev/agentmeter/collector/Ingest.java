package dev.agentmeter.collector;

import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.model.UsageEvent;
import java.time.Duration;
import java.util.List;

/**
 * Hands accepted events to the producer client and says whether they are durable: acknowledged by
 * Kafka or fsynced in the client's spool (the client's {@code flush}). A request answers 2xx only
 * then; while Kafka is away the spool takes the events and the answer is still 2xx.
 */
final class Ingest {

    /** What became of a request's accepted events. */
    enum Outcome {
        /** Every event is acknowledged by Kafka or on the spool. */
        DURABLE,
        /** The client's queue could not take them all: none was taken, the sender may retry. */
        OVERLOADED,
        /** They were taken but not confirmed within the flush timeout: a retry is safe (eventIds are kept). */
        NOT_CONFIRMED
    }

    private final UsageTracker tracker;
    private final Duration flushTimeout;

    Ingest(UsageTracker tracker, Duration flushTimeout) {
        this.tracker = tracker;
        this.flushTimeout = flushTimeout;
    }

    Outcome submit(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Outcome.DURABLE;
        }
        // All or nothing: a request whose events only partly fit would leave its sender unable to tell
        // which to send again. The queue only shrinks meanwhile (the sender drains it).
        synchronized (this) {
            if (tracker.remainingCapacity() < events.size()) {
                return Outcome.OVERLOADED;
            }
            for (UsageEvent e : events) {
                if (tracker.track(e) == null) {
                    return Outcome.NOT_CONFIRMED; // closed while tracking: nothing can confirm the rest
                }
            }
        }
        return tracker.flush(flushTimeout) ? Outcome.DURABLE : Outcome.NOT_CONFIRMED;
    }
}
