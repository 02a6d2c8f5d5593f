package dev.agentmeter.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.client.estimate.TokenEstimator;
import dev.agentmeter.client.metrics.TrackerMetrics;
import dev.agentmeter.client.redact.Redactor;
import dev.agentmeter.client.spool.Spool;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.KafkaSecurity;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's one background thread: everything that costs (validation, redaction, JSON, Kafka,
 * disk) happens here. It owns the producer and the spool. Two modes: CONNECTED sends to Kafka;
 * SPOOLING appends to the spool and, every probe interval, checks whether Kafka is back and replays
 * the spool oldest-first before returning to CONNECTED.
 */
final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final int BATCH = 1024;
    private static final int REPLAY_CHUNK = 5000;

    private final TrackerConfig config;
    private final BlockingQueue<UsageEvent> queue;
    private final Supplier<TrackingError> dropReports;
    private final UsageEventValidator validator = new UsageEventValidator();
    private final Redactor redactor;
    private final TrackerMetrics metrics;
    private final Spool spool;
    private final Thread thread;
    /** Records the producer gave up on, handed from its I/O thread to this one for spooling. */
    private final ConcurrentLinkedQueue<byte[]> failed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> flushRequests = new ConcurrentLinkedQueue<>();
    private volatile boolean spooling;
    private volatile boolean stopping;
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;
    private long nextProbeNanos;
    private long lastSyncNanos = System.nanoTime();

    Sender(TrackerConfig config, BlockingQueue<UsageEvent> queue, Supplier<TrackingError> dropReports) {
        this.config = config;
        this.queue = queue;
        this.dropReports = dropReports;
        this.redactor = config.redactor();
        this.spool = openSpool(config.spoolDirectory(), config.spoolMaxBytes());
        this.metrics = new TrackerMetrics(config.meterRegistry(), config.topic(), spool::bytes, queue::size);
        // Events left from an earlier run are replayed before anything new is sent.
        this.spooling = !spool.isEmpty();
        this.thread = new Thread(this, "agentmeter-sender-" + config.topic());
        this.thread.setDaemon(true);
    }

    TrackerMetrics metrics() {
        return metrics;
    }

    boolean isSpooling() {
        return spooling;
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
        producer = new KafkaProducer<>(producerProperties());
        List<UsageEvent> batch = new ArrayList<>(BATCH);
        long pollMillis = Math.max(1, Math.min(100, config.spoolFsyncInterval().toMillis()));
        try {
            while (true) {
                UsageEvent first = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    for (UsageEvent e : batch) {
                        handle(e);
                    }
                    batch.clear();
                }
                spoolFailed();
                reportDrops();
                syncSpoolIfDue(false);
                if (spooling && System.nanoTime() >= nextProbeNanos && !stopping) {
                    tryReplay();
                }
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
            closeAll();
        }
    }

    private void handle(UsageEvent tracked) {
        UsageEvent event;
        try {
            event = prepare(tracked);
        } catch (RuntimeException e) {
            error(TrackingError.Type.INVALID, tracked, "the event could not be prepared: " + e.getMessage(), e);
            metrics.invalid();
            return;
        }
        List<Violation> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            metrics.invalid();
            error(TrackingError.Type.INVALID, event, violations.stream().map(Violation::message)
                    .collect(Collectors.joining("; ")), null);
            return;
        }
        byte[] json = ContractJson.toBytes(event);
        if (spooling) {
            toSpool(json, event);
        } else {
            send(event.recordKey(), json, event);
        }
    }

    /** Estimates missing token counts and redacts the free-text fields. */
    private UsageEvent prepare(UsageEvent e) {
        UsageEvent.Builder b = null;
        if (e.isLlm() && e.usage() == null && e.call() != null && e.call().promptChars() != null) {
            b = e.toBuilder().usage(TokenEstimator.estimate(e.call().promptChars(), -1));
        }
        Task task = e.task();
        if (task != null && task.description() != null) {
            String clean = redactor.redact(task.description());
            if (!clean.equals(task.description())) {
                b = (b != null ? b : e.toBuilder()).task(task.withDescription(clean));
            }
        }
        Call call = e.call();
        if (call != null && call.errorMessage() != null) {
            String clean = redactor.redact(call.errorMessage());
            if (!clean.equals(call.errorMessage())) {
                b = (b != null ? b : e.toBuilder()).call(call.withErrorMessage(clean));
            }
        }
        if (e.attributes() != null && !e.attributes().isEmpty()) {
            Map<String, String> clean = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, String> a : e.attributes().entrySet()) {
                String v = redactor.redact(a.getValue());
                changed |= v != null && !v.equals(a.getValue());
                clean.put(a.getKey(), v);
            }
            if (changed) {
                b = (b != null ? b : e.toBuilder()).attributes(clean);
            }
        }
        return b == null ? e : b.build();
    }

    private void send(String key, byte[] json, UsageEvent event) {
        try {
            producer.send(new ProducerRecord<>(config.topic(), key, json), (metadata, ex) -> {
                if (ex == null) {
                    metrics.sent();
                } else if (isPermanent(ex)) {
                    metrics.undeliverable();
                    error(TrackingError.Type.UNDELIVERABLE, event, "Kafka refused the event for good: "
                            + ex.getMessage(), ex);
                } else {
                    // Runs on the producer's I/O thread: hand over to the sender thread for spooling.
                    failed.add(json);
                    spooling = true;
                }
            });
        } catch (RuntimeException ex) {
            if (isPermanent(ex)) {
                metrics.undeliverable();
                error(TrackingError.Type.UNDELIVERABLE, event, "Kafka refused the event for good: " + ex.getMessage(), ex);
                return;
            }
            log.warn("agentmeter: Kafka at {} unreachable ({}); spooling to {}", config.bootstrapServers(),
                    ex.getMessage(), config.spoolDirectory());
            enterSpooling();
            toSpool(json, event);
        }
    }

    private static boolean isPermanent(Exception ex) {
        return ex instanceof RecordTooLargeException || ex instanceof RecordBatchTooLargeException
                || ex instanceof InvalidTopicException || ex instanceof SerializationException;
    }

    private void enterSpooling() {
        spooling = true;
        nextProbeNanos = System.nanoTime() + config.replayProbeInterval().toNanos();
    }

    private void toSpool(byte[] json, UsageEvent event) {
        try {
            if (spool.append(json)) {
                metrics.spooled();
            } else {
                metrics.dropped();
                error(TrackingError.Type.DROPPED, event, "the spool is full (" + config.spoolMaxBytes()
                        + " bytes in " + config.spoolDirectory() + "); the event is lost", null);
            }
        } catch (IOException e) {
            metrics.dropped();
            error(TrackingError.Type.SPOOL_FAILURE, event, "cannot write the spool in " + config.spoolDirectory()
                    + ": " + e.getMessage() + "; the event is lost", e);
        }
        syncSpoolIfDue(false);
    }

    private void spoolFailed() {
        byte[] json;
        boolean any = false;
        while ((json = failed.poll()) != null) {
            if (!any) {
                enterSpooling();
                any = true;
            }
            toSpool(json, null);
        }
    }

    private void syncSpoolIfDue(boolean force) {
        int pending = spool.unsynced();
        if (pending == 0) {
            lastSyncNanos = System.nanoTime();
            return;
        }
        long now = System.nanoTime();
        if (force || pending >= config.spoolFsyncEveryEvents()
                || now - lastSyncNanos >= config.spoolFsyncInterval().toNanos()) {
            try {
                spool.sync();
            } catch (IOException e) {
                error(TrackingError.Type.SPOOL_FAILURE, null, "cannot fsync the spool in "
                        + config.spoolDirectory() + ": " + e.getMessage(), e);
            }
            lastSyncNanos = now;
        }
    }

    /** Replays the spool oldest-first while Kafka answers; returns to CONNECTED when it is empty. */
    private void tryReplay() {
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
                        log.info("agentmeter: replay interrupted, Kafka unreachable again; retrying in {}",
                                config.replayProbeInterval());
                        return;
                    }
                    segment.advance(chunk.size());
                }
                segment.delete();
                // Events tracked meanwhile join the spool behind the replayed ones, keeping order.
                drainQueue();
            }
            spooling = false;
            log.info("agentmeter: spool replayed; sending to Kafka at {} again", config.bootstrapServers());
        } catch (IOException e) {
            error(TrackingError.Type.SPOOL_FAILURE, null, "cannot read the spool in " + config.spoolDirectory()
                    + ": " + e.getMessage(), e);
        }
    }

    private boolean replayChunk(List<byte[]> chunk) {
        AtomicBoolean allDelivered = new AtomicBoolean(true);
        for (byte[] line : chunk) {
            String key = keyOf(line);
            if (key == null) {
                continue;
            }
            try {
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

    private String keyOf(byte[] line) {
        try {
            JsonNode node = ContractJson.mapper().readTree(line);
            JsonNode key = node.hasNonNull("sessionId") ? node.get("sessionId") : node.get("eventId");
            return key == null ? "" : key.asText();
        } catch (IOException e) {
            error(TrackingError.Type.SPOOL_FAILURE, null, "a spooled line is not JSON and is skipped: "
                    + e.getMessage(), e);
            return null;
        }
    }

    /** Handles everything queued right now (to Kafka or, while spooling, behind the spool's contents). */
    private void drainQueue() {
        List<UsageEvent> batch = new ArrayList<>(BATCH);
        while (queue.drainTo(batch, BATCH) > 0) {
            batch.forEach(this::handle);
            batch.clear();
        }
        spoolFailed();
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

    private void serveFlushRequests() {
        drainQueue();
        if (!spooling) {
            producer.flush();
        }
        spoolFailed();
        syncSpoolIfDue(true);
        CompletableFuture<Boolean> request;
        while ((request = flushRequests.poll()) != null) {
            request.complete(true);
        }
    }

    private void reportDrops() {
        TrackingError report = dropReports.get();
        if (report != null) {
            safeHandle(report);
        }
    }

    private void closeAll() {
        try {
            producer.close(config.closeTimeout());
        } catch (RuntimeException e) {
            log.warn("agentmeter: closing the Kafka producer failed", e);
        }
        // Records the producer could not deliver before the timeout were failed by close(): spool them.
        spoolFailed();
        reportDrops();
        try {
            spool.close();
        } catch (IOException e) {
            error(TrackingError.Type.SPOOL_FAILURE, null, "cannot close the spool: " + e.getMessage(), e);
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
        CompletableFuture<Boolean> request;
        while ((request = flushRequests.poll()) != null) {
            request.complete(false);
        }
    }

    private void error(TrackingError.Type type, UsageEvent event, String reason, Throwable cause) {
        safeHandle(new TrackingError(type, event, reason, cause));
    }

    private void safeHandle(TrackingError error) {
        try {
            config.errorHandler().onError(error);
        } catch (RuntimeException e) {
            log.warn("agentmeter: the error handler threw", e);
        }
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
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "agentmeter-tracker-" + ProcessHandle.current().pid());
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * One tracker per spool directory: if another tracker holds it, this one uses a sibling
     * directory named after the process and a counter rather than interleave writes with it.
     */
    private static Spool openSpool(Path dir, long maxBytes) {
        try {
            return new Spool(dir, maxBytes);
        } catch (Spool.SpoolLockedException e) {
            for (int i = 1; ; i++) {
                Path own = dir.resolveSibling(dir.getFileName() + "-" + ProcessHandle.current().pid() + "-" + i);
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
