package dev.agentmeter.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.client.metrics.TrackerMetrics;
import dev.agentmeter.client.spool.Spool;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.KafkaSecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where prepared events go, as a two-state machine owned by the sender's thread. CONNECTED: to
 * Kafka, with an idempotent producer ({@code acks=all}). SPOOLING, entered when a send fails for a
 * reason that may pass (broker unreachable, delivery timeout): appended to the disk spool; every
 * probe interval it asks the cluster whether it is back and, if so, replays the spool oldest-first
 * before returning to CONNECTED. A spool left by an earlier process starts it in SPOOLING.
 *
 * <p>Every delivered event is <em>unresolved</em> until it is acknowledged by Kafka, fsynced in
 * the spool, or lost (spool full, spool unwritable, refused by Kafka for good); its {@link Tracked}
 * future learns which. A flush waits until nothing is unresolved and says whether anything since it
 * began was lost, without blocking the sender's thread on the producer.
 */
final class Delivery {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    private static final int REPLAY_CHUNK = 5000;

    private final TrackerConfig config;
    private final TrackerMetrics metrics;
    private final Spool spool;
    private final Consumer<TrackingError> errors;
    /** Records the producer gave up on, handed from its I/O thread to the sender's for spooling. */
    private final ConcurrentLinkedQueue<Pending> failed = new ConcurrentLinkedQueue<>();
    /** Events delivered and neither acknowledged, fsynced nor lost yet. */
    private final AtomicLong unresolved = new AtomicLong();
    /** Events lost so far (dropped, undeliverable): what a flush compares. */
    private final AtomicLong lost = new AtomicLong();

    private volatile long lastResolvedNanos = System.nanoTime();
    /** Spooled since the last fsync: resolved (SPOOLED) by the next one. Sender's thread only. */
    private final List<Tracked> awaitingSync = new ArrayList<>();
    /** Flushes waiting for nothing to be unresolved. Sender's thread only. */
    private final List<CompletableFuture<Boolean>> flushes = new ArrayList<>();
    /** The lost count the last completed flush answered for. Sender's thread only. */
    private long lostAnswered;

    private volatile boolean spooling;
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;
    private long nextProbeNanos;
    private long lastSyncNanos = System.nanoTime();

    Delivery(TrackerConfig config, TrackerMetrics metrics, Spool spool, Consumer<TrackingError> errors) {
        this.config = config;
        this.metrics = metrics;
        this.spool = spool;
        this.errors = errors;
        this.spooling = !spool.isEmpty();
    }

    /** Opens the producer; on the sender's thread, so that a slow start never touches the caller. */
    void open() {
        producer = new KafkaProducer<>(producerProperties());
    }

    boolean isSpooling() {
        return spooling;
    }

    /** An event the producer gave up on for now, with whoever waits for it. */
    private record Pending(byte[] json, Tracked tracked) {}

    /** Events delivered and not yet acknowledged, fsynced or lost. */
    long unresolved() {
        return unresolved.get();
    }

    /** When an event was last acknowledged, fsynced or lost ({@link System#nanoTime()}). */
    long lastResolvedNanos() {
        return lastResolvedNanos;
    }

    /** Sends the event, or appends it to the spool while Kafka is away (behind what is there). */
    void deliver(EventPreparer.Ready ready, Tracked tracked) {
        unresolved.incrementAndGet();
        if (spooling) {
            toSpool(ready.json(), tracked);
        } else {
            send(ready.key(), ready.json(), tracked);
        }
    }

    /**
     * Completes {@code done} once every event delivered so far is acknowledged, fsynced or lost:
     * true when none was lost since the previous flush answered. Checked on every {@link #tick}.
     */
    void flush(CompletableFuture<Boolean> done) {
        flushes.add(done);
        completeFlushes();
    }

    /**
     * Housekeeping between batches: spools what the producer gave up on, fsyncs when due and, while
     * spooling, probes and replays. {@code drainQueue} hands the events tracked meanwhile to
     * {@link #deliver}, so that they go behind the replayed ones.
     */
    void tick(boolean stopping, Runnable drainQueue) {
        spoolFailed();
        // Someone waits for these (a collector request, a flush): fsync now, once for all of them.
        syncSpoolIfDue(!flushes.isEmpty() || awaitingSync.stream().anyMatch(t -> t.done() != null));
        if (spooling && !stopping && System.nanoTime() >= nextProbeNanos) {
            tryReplay(drainQueue);
        }
        completeFlushes();
    }

    private void completeFlushes() {
        if (flushes.isEmpty() || unresolved.get() > 0) {
            return;
        }
        long lostNow = lost.get();
        for (CompletableFuture<Boolean> f : flushes) {
            f.complete(lostNow == lostAnswered);
        }
        lostAnswered = lostNow;
        flushes.clear();
    }

    /** Closes the producer (waiting up to the close timeout) and spools what it could not deliver. */
    void close() {
        try {
            if (producer != null) {
                producer.close(config.closeTimeout());
            }
        } catch (RuntimeException e) {
            log.warn("agentmeter: closing the Kafka producer failed", e);
        }
        spoolFailed();
        try {
            spool.close(); // fsyncs what was appended
            synced();
        } catch (IOException e) {
            error(TrackingError.Type.SPOOL_FAILURE, null, "cannot close the spool: " + e.getMessage(), e);
            syncFailed(e);
        }
        completeFlushes();
        for (CompletableFuture<Boolean> f : flushes) {
            f.complete(false);
        }
        flushes.clear();
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private void send(String key, byte[] json, Tracked tracked) {
        try {
            // The callback takes the outcome (sent, spooled or undeliverable): the future adds nothing.
            Future<RecordMetadata> unused =
                    producer.send(new ProducerRecord<>(config.topic(), key, json), (metadata, ex) -> {
                        if (ex == null) {
                            metrics.sent();
                            resolved(tracked, Durability.Outcome.SENT, null);
                        } else if (isPermanent(ex)) {
                            undeliverable(tracked, ex);
                        } else {
                            // Runs on the producer's I/O thread: hand over to the sender thread for spooling.
                            failed.add(new Pending(json, tracked));
                            spooling = true;
                        }
                    });
        } catch (RuntimeException ex) {
            if (isPermanent(ex)) {
                undeliverable(tracked, ex);
                return;
            }
            log.warn(
                    "agentmeter: Kafka at {} unreachable ({}); spooling to {}",
                    config.bootstrapServers(),
                    ex.getMessage(),
                    config.spoolDirectory());
            enterSpooling();
            toSpool(json, tracked);
        }
    }

    private void undeliverable(Tracked tracked, Exception ex) {
        metrics.undeliverable();
        String reason = "Kafka refused the event for good: " + ex.getMessage();
        error(TrackingError.Type.UNDELIVERABLE, tracked.event(), reason, ex);
        lostOne(tracked, Durability.Outcome.UNDELIVERABLE, reason);
    }

    private void resolved(Tracked tracked, Durability.Outcome outcome, String reason) {
        tracked.resolve(outcome, reason);
        unresolved.decrementAndGet();
        lastResolvedNanos = System.nanoTime();
    }

    private void lostOne(Tracked tracked, Durability.Outcome outcome, String reason) {
        lost.incrementAndGet();
        resolved(tracked, outcome, reason);
    }

    private static boolean isPermanent(Exception ex) {
        return ex instanceof RecordTooLargeException
                || ex instanceof RecordBatchTooLargeException
                || ex instanceof InvalidTopicException
                || ex instanceof SerializationException;
    }

    private void enterSpooling() {
        spooling = true;
        nextProbeNanos = System.nanoTime() + config.replayProbeInterval().toNanos();
    }

    private void toSpool(byte[] json, Tracked tracked) {
        try {
            if (spool.append(json)) {
                metrics.spooled();
                awaitingSync.add(tracked);
            } else {
                metrics.dropped();
                String reason = Durability.SPOOL_FULL + " (" + config.spoolMaxBytes() + " bytes in "
                        + config.spoolDirectory() + "); the event is lost";
                error(TrackingError.Type.DROPPED, tracked.event(), reason, null);
                lostOne(tracked, Durability.Outcome.DROPPED, reason);
            }
        } catch (IOException e) {
            metrics.dropped();
            String reason = "cannot write the spool in " + config.spoolDirectory() + ": " + e.getMessage()
                    + "; the event is lost";
            error(TrackingError.Type.SPOOL_FAILURE, tracked.event(), reason, e);
            lostOne(tracked, Durability.Outcome.DROPPED, reason);
        }
        syncSpoolIfDue(false);
    }

    private void spoolFailed() {
        Pending pending;
        boolean any = false;
        while ((pending = failed.poll()) != null) {
            if (!any) {
                enterSpooling();
                any = true;
            }
            toSpool(pending.json(), pending.tracked());
        }
    }

    /** The lines appended since the last fsync are on disk: their events are durable. */
    private void synced() {
        for (Tracked t : awaitingSync) {
            resolved(t, Durability.Outcome.SPOOLED, null);
        }
        awaitingSync.clear();
    }

    /** An fsync failed: what it covered may not be on disk, so it does not count as durable. */
    private void syncFailed(IOException e) {
        String reason = "cannot fsync the spool in " + config.spoolDirectory() + ": " + e.getMessage()
                + "; the event may not be on disk";
        for (Tracked t : awaitingSync) {
            lostOne(t, Durability.Outcome.DROPPED, reason);
        }
        awaitingSync.clear();
    }

    private void syncSpoolIfDue(boolean force) {
        int pending = spool.unsynced();
        if (pending == 0) {
            lastSyncNanos = System.nanoTime();
            synced();
            return;
        }
        long now = System.nanoTime();
        if (force
                || pending >= config.spoolFsyncEveryEvents()
                || now - lastSyncNanos >= config.spoolFsyncInterval().toNanos()) {
            try {
                spool.sync();
                synced();
            } catch (IOException e) {
                error(
                        TrackingError.Type.SPOOL_FAILURE,
                        null,
                        "cannot fsync the spool in " + config.spoolDirectory() + ": " + e.getMessage(),
                        e);
                syncFailed(e);
            }
            lastSyncNanos = now;
        }
    }

    /** Replays the spool oldest-first while Kafka answers; returns to CONNECTED when it is empty. */
    private void tryReplay(Runnable drainQueue) {
        nextProbeNanos = System.nanoTime() + config.replayProbeInterval().toNanos();
        if (!kafkaReachable()) {
            return;
        }
        try {
            syncSpoolIfDue(true);
            Spool.Segment segment;
            while ((segment = spool.oldest()) != null) {
                List<byte[]> lines = segment.pendingLines();
                for (int from = 0; from < lines.size(); from += REPLAY_CHUNK) {
                    List<byte[]> chunk = lines.subList(from, Math.min(lines.size(), from + REPLAY_CHUNK));
                    if (!replayChunk(chunk)) {
                        log.info(
                                "agentmeter: replay interrupted, Kafka unreachable again; retrying in {}",
                                config.replayProbeInterval());
                        return;
                    }
                    segment.advance(chunk.size());
                }
                segment.delete();
                // Events tracked meanwhile join the spool behind the replayed ones, keeping order.
                drainQueue.run();
                spoolFailed();
            }
            spooling = false;
            log.info("agentmeter: spool replayed; sending to Kafka at {} again", config.bootstrapServers());
        } catch (IOException e) {
            error(
                    TrackingError.Type.SPOOL_FAILURE,
                    null,
                    "cannot read the spool in " + config.spoolDirectory() + ": " + e.getMessage(),
                    e);
        }
    }

    private boolean replayChunk(List<byte[]> chunk) {
        AtomicBoolean allDelivered = new AtomicBoolean(true);
        for (byte[] spooled : chunk) {
            byte[] line = spooled;
            String key = keyOf(line);
            if (key == null) {
                // A torn event joined with the next one (a spool from before tears were cut back): the next is kept.
                line = Spool.afterTear(spooled);
                key = line == null ? null : keyOf(line);
                error(
                        TrackingError.Type.SPOOL_FAILURE,
                        null,
                        "a spooled line is not JSON (torn by a failed write)"
                                + (key == null ? " and is skipped" : "; the event after the tear is kept"),
                        null);
                if (key == null) {
                    continue;
                }
            }
            try {
                Future<RecordMetadata> unused =
                        producer.send(new ProducerRecord<>(config.topic(), key, line), (md, ex) -> {
                            if (ex != null) {
                                allDelivered.set(false);
                            } else {
                                metrics.sent();
                                metrics.replayed();
                            }
                        });
            } catch (RuntimeException e) {
                allDelivered.set(false);
                break;
            }
        }
        producer.flush();
        return allDelivered.get();
    }

    /** The record key of a spooled line: its eventId, as for events sent directly; null when it is not JSON. */
    private static String keyOf(byte[] line) {
        try {
            JsonNode eventId = ContractJson.mapper().readTree(line).get("eventId");
            return eventId == null ? "" : eventId.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private boolean kafkaReachable() {
        try {
            if (admin == null) {
                Properties p = new Properties();
                p.putAll(KafkaSecurity.settings(config.kafkaOverrides()));
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
                admin = Admin.create(p);
            }
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void error(TrackingError.Type type, UsageEvent event, String reason, Throwable cause) {
        errors.accept(new TrackingError(type, event, reason, cause));
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // Fail fast into the spool instead of holding events in memory for the 2-minute default.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(
                ProducerConfig.CLIENT_ID_CONFIG,
                "agentmeter-tracker-" + ProcessHandle.current().pid());
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * One tracker per spool directory: if another tracker holds it, this one uses a sibling
     * directory named after the process and a counter rather than interleave writes with it.
     */
    static Spool openSpool(Path dir, long maxBytes) {
        try {
            return new Spool(dir, maxBytes);
        } catch (Spool.SpoolLockedException e) {
            for (int i = 1; ; i++) {
                Path own = dir.resolveSibling(
                        dir.getFileName() + "-" + ProcessHandle.current().pid() + "-" + i);
                try {
                    Spool spool = new Spool(own, maxBytes);
                    log.warn("agentmeter: {}; using {}", e.getMessage(), own);
                    return spool;
                } catch (Spool.SpoolLockedException next) {
                    // taken too: try the next one
                }
            }
        }
    }
}
