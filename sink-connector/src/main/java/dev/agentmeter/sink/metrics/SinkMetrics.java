package dev.agentmeter.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The sink's meters. A task registers them in Micrometer's global registry: inside a Connect
 * worker nothing else can hand it a registry; the in-process runner adds its Prometheus registry
 * there.
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final Counter retries;
    private final Counter tombstones;

    public SinkMetrics() {
        this(Metrics.globalRegistry);
    }

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("agentmeter.sink.retries")
                .description("batches retried after a transient database failure").register(registry);
        this.tombstones = Counter.builder("agentmeter.sink.tombstones")
                .description("records without a value, skipped").register(registry);
    }

    /** A committed batch: {@code inserted} new rows out of {@code rows} (the rest were already stored). */
    public void batch(String table, int rows, int inserted, long nanos) {
        registry.counter("agentmeter.sink.rows.written", "table", table).increment(inserted);
        registry.counter("agentmeter.sink.rows.duplicate", "table", table).increment(rows - inserted);
        Timer.builder("agentmeter.sink.batch.duration").tag("table", table)
                .description("time to write and commit one batch").register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A record handed to the dead-letter queue. */
    public void errant(String topic) {
        registry.counter("agentmeter.sink.records.errant", "topic", topic).increment();
    }

    public void retry() {
        retries.increment();
    }

    public void tombstone() {
        tombstones.increment();
    }
}
