package dev.agentmeter.client;

import dev.agentmeter.client.metrics.TrackerMetrics;
import dev.agentmeter.client.spool.Spool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's one background thread: everything that costs happens here, never on an agent's
 * thread. It takes events from the queue in batches, has each prepared ({@link EventPreparer}:
 * estimate, redact, cut, validate, serialise) and delivered ({@link Delivery}: Kafka, or the disk
 * spool while Kafka is away), and serves flush requests and shutdown.
 */
final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final int BATCH = 1024;

    private final TrackerConfig config;
    private final BlockingQueue<Tracked> queue;
    private final Supplier<TrackingError> dropReports;
    private final TrackerMetrics metrics;
    private final EventPreparer preparer;
    private final Delivery delivery;
    private final Thread thread;
    private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> flushRequests = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    /** Why the thread ended before {@link #shutdown}: only an Error ends it (a record's failure never does). */
    private volatile Throwable died;

    Sender(TrackerConfig config, BlockingQueue<Tracked> queue, Supplier<TrackingError> dropReports) {
        this.config = config;
        this.queue = queue;
        this.dropReports = dropReports;
        Spool spool = Delivery.openSpool(config.spoolDirectory(), config.spoolMaxBytes());
        this.metrics = new TrackerMetrics(config.meterRegistry(), config.topic(), spool::bytes, queue::size);
        this.preparer = new EventPreparer(config.redactor(), config.maxFutureSkew());
        this.delivery = new Delivery(config, metrics, spool, this::report);
        this.thread = new Thread(this, "agentmeter-sender-" + config.topic());
        this.thread.setDaemon(true);
    }

    TrackerMetrics metrics() {
        return metrics;
    }

    boolean isSpooling() {
        return delivery.isSpooling();
    }

    /** Whether the thread runs (false once shut down, or when it died: see {@link #died()}). */
    boolean isAlive() {
        return thread.isAlive();
    }

    Throwable died() {
        return died;
    }

    /** Events handed to Kafka or the spool and not yet acknowledged, fsynced or lost. */
    long unresolved() {
        return delivery.unresolved();
    }

    long lastResolvedNanos() {
        return delivery.lastResolvedNanos();
    }

    void start() {
        thread.start();
    }

    boolean flush(Duration timeout) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        flushRequests.add(done);
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    void shutdown(Duration timeout) {
        stopping = true;
        try {
            // Draining and closing the producer take up to the timeout each; spooling the rest is quick.
            thread.join(timeout.multipliedBy(2).plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        List<Tracked> batch = new ArrayList<>(BATCH);
        long pollMillis = Math.max(1, Math.min(100, config.spoolFsyncInterval().toMillis()));
        try {
            delivery.open();
            while (true) {
                Tracked first = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    batch.forEach(this::handle);
                    batch.clear();
                }
                try {
                    delivery.tick(stopping, this::drainQueue);
                    reportDrops();
                    if (!flushRequests.isEmpty()) {
                        serveFlushRequests();
                    }
                } catch (RuntimeException e) {
                    // Housekeeping failed this round (a spool read, a probe): it is tried again on the next.
                    log.warn("agentmeter: the sender's housekeeping failed; retrying", e);
                }
                if (stopping && queue.isEmpty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            died = t;
            log.error("agentmeter sender stopped unexpectedly; events queued from now on are dropped", t);
        } finally {
            delivery.close();
            reportDrops();
            CompletableFuture<Boolean> request;
            while ((request = flushRequests.poll()) != null) {
                request.complete(false);
            }
        }
    }

    /** One event is one unit of failure: whatever it makes fail, it alone is reported, never the thread. */
    private void handle(Tracked tracked) {
        EventPreparer.Prepared prepared;
        try {
            prepared = preparer.prepare(tracked.event());
        } catch (RuntimeException e) {
            prepared = new EventPreparer.Invalid(tracked.event(), "the event could not be prepared: " + e, e);
        }
        if (prepared instanceof EventPreparer.Invalid invalid) {
            metrics.invalid();
            report(new TrackingError(TrackingError.Type.INVALID, invalid.event(), invalid.reason(), invalid.cause()));
            tracked.resolve(Durability.Outcome.INVALID, invalid.reason());
            return;
        }
        EventPreparer.Ready ready = (EventPreparer.Ready) prepared;
        if (ready.cut()) {
            metrics.truncated();
        }
        delivery.deliver(ready, tracked);
    }

    /** Handles everything queued right now (to Kafka or, while spooling, behind the spool's contents). */
    private void drainQueue() {
        List<Tracked> batch = new ArrayList<>(BATCH);
        while (queue.drainTo(batch, BATCH) > 0) {
            batch.forEach(this::handle);
            batch.clear();
        }
    }

    /** Each request completes once everything handed over so far is resolved (see {@link Delivery#flush}). */
    private void serveFlushRequests() {
        drainQueue();
        CompletableFuture<Boolean> request;
        while ((request = flushRequests.poll()) != null) {
            delivery.flush(request);
        }
    }

    private void reportDrops() {
        TrackingError report = dropReports.get();
        if (report != null) {
            report(report);
        }
    }

    private void report(TrackingError error) {
        try {
            config.errorHandler().onError(error);
        } catch (RuntimeException e) {
            log.warn("agentmeter: the error handler threw", e);
        }
    }
}
