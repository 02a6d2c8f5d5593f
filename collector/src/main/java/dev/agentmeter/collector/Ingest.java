package dev.agentmeter.collector;

import dev.agentmeter.client.Durability;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.model.UsageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands accepted events to the producer client and learns, event by event, whether each was made
 * durable: acknowledged by Kafka or fsynced in the client's spool ({@link UsageTracker#trackDurably}).
 * A request answers 2xx only when every one of its accepted events was; otherwise the answer names
 * the ones that were not, and why.
 */
final class Ingest {

    /** What became of a request's accepted events. */
    enum Outcome {
        /** Every event is acknowledged by Kafka or fsynced on the spool. */
        DURABLE,
        /** The client's queue could not take them all: none was taken, the sender may retry. */
        OVERLOADED,
        /** Some were not made durable (see {@link Result#notDurable}); a retry is safe (eventIds are kept). */
        NOT_DURABLE,
        /** Some were dropped because the spool is full: retrying soon will not help (507). */
        SPOOL_FULL
    }

    /** An event of the request that was not made durable: its position among the accepted ones, and why. */
    record NotDurable(int position, String eventId, String reason) {}

    record Result(Outcome outcome, List<NotDurable> notDurable) {}

    private final UsageTracker tracker;
    private final Duration flushTimeout;

    Ingest(UsageTracker tracker, Duration flushTimeout) {
        this.tracker = tracker;
        this.flushTimeout = flushTimeout;
    }

    Result submit(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return new Result(Outcome.DURABLE, List.of());
        }
        List<CompletableFuture<Durability>> pending = new ArrayList<>(events.size());
        // All or nothing into the queue: a request whose events only partly fit would leave its sender
        // unable to tell which to send again. The queue only shrinks meanwhile (the sender drains it).
        synchronized (this) {
            if (tracker.remainingCapacity() < events.size()) {
                return new Result(Outcome.OVERLOADED, List.of());
            }
            for (UsageEvent e : events) {
                pending.add(tracker.trackDurably(e));
            }
        }
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        List<NotDurable> notDurable = new ArrayList<>();
        boolean spoolFull = false;
        for (int i = 0; i < pending.size(); i++) {
            Durability d = await(pending.get(i), deadline);
            if (d == null) {
                notDurable.add(new NotDurable(
                        i,
                        events.get(i).eventId(),
                        "not confirmed durable within " + flushTimeout
                                + "; retry with the same eventId (it is counted once)"));
            } else if (!d.durable()) {
                spoolFull |= d.spoolFull();
                notDurable.add(new NotDurable(i, events.get(i).eventId(), d.reason()));
            }
        }
        if (notDurable.isEmpty()) {
            return new Result(Outcome.DURABLE, List.of());
        }
        return new Result(spoolFull ? Outcome.SPOOL_FULL : Outcome.NOT_DURABLE, List.copyOf(notDurable));
    }

    private static Durability await(CompletableFuture<Durability> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return new Durability(null, Durability.Outcome.DROPPED, "not kept: " + e.getCause());
        }
    }
}
