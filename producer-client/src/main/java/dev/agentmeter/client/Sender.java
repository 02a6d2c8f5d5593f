package dev.agentmeter.client;

import dev.agentmeter.client.metrics.TrackerMetrics;
import dev.agentmeter.client.spool.Spool;
import dev.agentmeter.model.UsageEvent;
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
    private final BlockingQueue<UsageEvent> queue;
    private final Supplier<TrackingError> dropReports;
    private final TrackerMetrics metrics;
    private final EventPreparer preparer;
    private final Delivery delivery;
    private final Thread thread;
    private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> flushRequests = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;

    Sender(TrackerConfig config, BlockingQueue<UsageEvent> queue, Supplier<TrackingError> dropReports) {
        this.config = config;
        this.queue = queue;
        this.dropReports = dropReports;
        Spool spool = Delivery.openSpool(config.spoolDirectory(), config.spoolMaxBytes());
        this.metrics = new TrackerMetrics(config.meterRegistry(), config.topic(), spool::bytes, queue::size);
        this.preparer = new EventPreparer(config.redactor());
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
        delivery.open();
        List<UsageEvent> batch = new ArrayList<>(BATCH);
        long pollMillis = Math.max(1, Math.min(100, config.spoolFsyncInterval().toMillis()));
        try {
            while (true) {
                UsageEvent first = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    batch.forEach(this::handle);
                    batch.clear();
                }
                delivery.tick(stopping, this::drainQueue);
                reportDrops();
                if (!flushRequests.isEmpty()) {
                    serveFlushRequests();
                }
                if (stopping && queue.isEmpty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
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

    private void handle(UsageEvent tracked) {
        EventPreparer.Prepared prepared = preparer.prepare(tracked);
        if (prepared instanceof EventPreparer.Invalid invalid) {
            metrics.invalid();
            report(new TrackingError(TrackingError.Type.INVALID, invalid.event(), invalid.reason(), invalid.cause()));
            return;
        }
        EventPreparer.Ready ready = (EventPreparer.Ready) prepared;
        if (ready.cut()) {
            metrics.truncated();
        }
        delivery.deliver(ready);
    }

    /** Handles everything queued right now (to Kafka or, while spooling, behind the spool's contents). */
    private void drainQueue() {
        List<UsageEvent> batch = new ArrayList<>(BATCH);
        while (queue.drainTo(batch, BATCH) > 0) {
            batch.forEach(this::handle);
            batch.clear();
        }
    }

    private void serveFlushRequests() {
        drainQueue();
        delivery.flush();
        CompletableFuture<Boolean> request;
        while ((request = flushRequests.poll()) != null) {
            request.complete(true);
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
