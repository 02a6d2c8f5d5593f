package dev.agentmeter.processor.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own metrics in Micrometer, named as Micrometer's Kafka binder names them
 * ({@code kafka.stream.state.commit.latency.avg}, tags with dots), with one difference: Kafka tags a
 * store by a key of its type ({@code rocksdb-state-id}, {@code rocksdb-window-state-id},
 * {@code in-memory-state-id}), and Prometheus wants one set of tag keys per name, so here every
 * store is {@code state.id}.
 *
 * <p>Why not Micrometer's binder with a filter renaming the tag: its bookkeeping compares Kafka's
 * tags with the registered meters' tags, which the filter had changed. Every refresh in which a task
 * came or went re-registered meters that existed ("This Gauge has been already registered" on each
 * restart of {@code agentmeter up}) and never removed those of departed tasks. Here the name and
 * tags are decided once per Kafka metric, and meters are added and removed by that same key.
 */
public final class StreamsMetricsBinder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsMetricsBinder.class);
    private static final Set<String> SKIPPED_GROUPS = Set.of("app-info", "kafka-metrics-count");

    private final Supplier<Map<MetricName, ? extends Metric>> source;
    private final MeterRegistry registry;
    private final String kafkaVersion = AppInfoParser.getVersion();
    /** The metrics as last read: meters read their value from here, so a metric Kafka replaced is read anew. */
    private final AtomicReference<Map<MetricName, ? extends Metric>> metrics = new AtomicReference<>(Map.of());

    private final Map<MetricName, Meter> meters = new HashMap<>();
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> refreshes;

    public StreamsMetricsBinder(Supplier<Map<MetricName, ? extends Metric>> source, MeterRegistry registry) {
        this.source = source;
        this.registry = registry;
    }

    /** Binds now and then every {@code refresh}: a task's meters exist only once it is assigned. */
    public StreamsMetricsBinder start(Duration refresh) {
        refresh();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agentmeter-streams-metrics");
            t.setDaemon(true);
            return t;
        });
        refreshes = scheduler.scheduleWithFixedDelay(
                this::refreshQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Adds meters for metrics that appeared and removes those of metrics that went. */
    public synchronized void refresh() {
        Map<MetricName, ? extends Metric> current = source.get();
        metrics.set(current);
        for (MetricName gone : new ArrayList<>(meters.keySet())) {
            if (!current.containsKey(gone)) {
                registry.remove(meters.remove(gone));
            }
        }
        Map<String, Set<String>> tagKeysByName = new HashMap<>();
        meters.values()
                .forEach(m ->
                        tagKeysByName.put(m.getId().getName(), tagKeys(m.getId().getTags())));
        for (Map.Entry<MetricName, ? extends Metric> e : current.entrySet()) {
            MetricName name = e.getKey();
            if (meters.containsKey(name)
                    || SKIPPED_GROUPS.contains(name.group())
                    || !(e.getValue().metricValue() instanceof Number)) {
                continue;
            }
            String meterName = meterName(name);
            List<Tag> tags = tags(name);
            Set<String> keys = tagKeys(tags);
            Set<String> existing = tagKeysByName.get(meterName);
            if (existing != null && !existing.equals(keys)) {
                continue; // Kafka reports some metrics at two levels (with and without a tag): one set per name
            }
            meters.put(name, register(name, meterName, tags));
            tagKeysByName.put(meterName, keys);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("reading Kafka Streams metrics failed; trying again at the next refresh", e);
        }
    }

    private Meter register(MetricName name, String meterName, List<Tag> tags) {
        if (name.name().endsWith("-total")) {
            return FunctionCounter.builder(meterName, metrics, m -> value(m, name))
                    .tags(tags)
                    .description(name.description())
                    .register(registry);
        }
        return Gauge.builder(meterName, metrics, m -> value(m, name))
                .tags(tags)
                .description(name.description())
                .register(registry);
    }

    private static double value(AtomicReference<Map<MetricName, ? extends Metric>> metrics, MetricName name) {
        Metric metric = metrics.get().get(name);
        return metric != null && metric.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String meterName(MetricName name) {
        return ("kafka." + name.group() + "." + name.name())
                .replace("-metrics", "")
                .replace('-', '.');
    }

    private List<Tag> tags(MetricName name) {
        List<Tag> tags = new ArrayList<>();
        name.tags()
                .forEach((key, value) ->
                        tags.add(Tag.of(key.endsWith("-state-id") ? "state.id" : key.replace('-', '.'), value)));
        tags.add(Tag.of("kafka.version", kafkaVersion));
        return tags;
    }

    private static Set<String> tagKeys(List<Tag> tags) {
        Set<String> keys = new TreeSet<>();
        tags.forEach(t -> keys.add(t.getKey()));
        return keys;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            refreshes.cancel(true);
            scheduler.shutdownNow();
        }
        new HashSet<>(meters.values()).forEach(registry::remove);
        meters.clear();
    }
}
