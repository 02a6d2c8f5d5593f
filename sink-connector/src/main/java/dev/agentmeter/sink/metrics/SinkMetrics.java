package dev.agentmeter.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * The sink's meters. A task registers them in Micrometer's global registry (the in-process runner
 * adds its Prometheus registry there) and, inside a Connect worker, also as the task's own plugin
 * metrics (KIP-877): the worker's JMX then carries them as
 * {@code kafka.connect:type=plugins,connector=…,task=…} beside Connect's own task metrics, where the
 * Prometheus JMX exporter of a Strimzi or any other Connect deployment finds them.
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final Map<String, Boolean> published = new ConcurrentHashMap<>();
    private volatile PluginMetrics plugin;
    private final Counter retries;
    private final Counter tombstones;

    public SinkMetrics() {
        this(Metrics.globalRegistry);
    }

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("agentmeter.sink.retries")
                .description("batches retried after a transient database failure")
                .register(registry);
        this.tombstones = Counter.builder("agentmeter.sink.tombstones")
                .description("records without a value, skipped")
                .register(registry);
    }

    /**
     * Publishes the counters as the task's plugin metrics too (Connect removes them when the task
     * stops). Counters that only exist once a table or topic was seen are added when first used.
     */
    public void publishTo(PluginMetrics pluginMetrics) {
        this.plugin = pluginMetrics;
        publish("retries-total", "batches retried after a transient database failure", Map.of(), retries);
        publish("tombstones-total", "records without a value, skipped", Map.of(), tombstones);
    }

    private void publish(String name, String description, Map<String, String> tags, Counter counter) {
        PluginMetrics p = plugin;
        if (p == null || published.putIfAbsent(name + tags, Boolean.TRUE) != null) {
            return;
        }
        MetricName metricName = p.metricName(name, description, new LinkedHashMap<>(tags));
        p.addMetric(metricName, (Measurable) (config, now) -> counter.count());
    }

    /** A committed batch: {@code inserted} new rows out of {@code rows} (the rest were already stored). */
    public void batch(String table, int rows, int inserted, long nanos) {
        Counter written = registry.counter("agentmeter.sink.rows.written", "table", table);
        Counter duplicate = registry.counter("agentmeter.sink.rows.duplicate", "table", table);
        written.increment(inserted);
        duplicate.increment(rows - inserted);
        publish("rows-written-total", "rows inserted", Map.of("table", table), written);
        publish(
                "rows-duplicate-total",
                "rows already stored (redeliveries), skipped",
                Map.of("table", table),
                duplicate);
        Timer.builder("agentmeter.sink.batch.duration")
                .tag("table", table)
                .description("time to write and commit one batch")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A record handed to the dead-letter queue. */
    public void errant(String topic) {
        Counter errant = registry.counter("agentmeter.sink.records.errant", "topic", topic);
        errant.increment();
        publish("records-errant-total", "records handed to the dead-letter queue", Map.of("topic", topic), errant);
    }

    public void retry() {
        retries.increment();
    }

    public void tombstone() {
        tombstones.increment();
    }
}
