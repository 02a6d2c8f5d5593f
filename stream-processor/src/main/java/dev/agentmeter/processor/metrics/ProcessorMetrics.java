package dev.agentmeter.processor.metrics;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The processor's own meters (Kafka Streams' metrics are bound separately by the runner). */
public final class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter late;
    private final Counter rerouted;
    private final Map<PricedKey, Counter> pricedCounters = new ConcurrentHashMap<>();
    private final Map<PricedKey, Counter> costCounters = new ConcurrentHashMap<>();

    /** A counter's tags; {@code provider} is null for the cost counter, which has none. */
    private record PricedKey(CostSource source, String model, String provider) {
    }

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("agentmeter.processor.duplicates")
                .description("events dropped because their eventId was seen before").register(registry);
        this.late = Counter.builder("agentmeter.processor.late")
                .description("events later than the grace period: priced and sunk, not aggregated").register(registry);
        this.rerouted = Counter.builder("agentmeter.processor.rerouted")
                .description("valid events that arrived away from their home partition (a producer not keying raw"
                        + " records by sessionId or eventId) and took the by-home-partition detour").register(registry);
    }

    /**
     * Kafka Streams names a store's metrics alike for every store type but tags the store by a
     * type-specific key ({@code rocksdb-state-id}, {@code rocksdb-window-state-id},
     * {@code in-memory-state-id}, ...). Prometheus wants one set of tag keys per name, so only the
     * first store type's meters registered and the others were dropped (e.g. every
     * {@code spend-store} metric once {@code dedup-store}'s existed). This filter renames that key to
     * {@code state.id} (store names are unique in the topology). It renames without adding a tag:
     * Micrometer's Kafka binder skips a metric whose meter name already has meters with more tags
     * than the metric itself. Install it before any Kafka Streams meter registers.
     */
    public static MeterFilter stateStoreTags() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("kafka.stream.state")) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    tags.add(tag.getKey().endsWith(".state.id") ? Tag.of("state.id", tag.getValue()) : tag);
                }
                return id.replaceTags(tags);
            }
        };
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void rejected(String rule) {
        registry.counter("agentmeter.processor.rejected", "reason", rule).increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void rerouted() {
        rerouted.increment();
    }

    public void late(long events) {
        late.increment(events);
    }

    public void priced(PricedUsage p) {
        CostSource source = p.pricing().source();
        String model = Objects.toString(p.pricing().modelKey(), "unknown");
        String provider = Objects.toString(p.event().provider(), "unknown");
        // Looked up per event: a map hit (keys built without concatenating strings) instead of
        // building meter ids in the registry every time.
        pricedCounters.computeIfAbsent(new PricedKey(source, model, provider), k -> registry.counter(
                "agentmeter.processor.priced", "source", source.wireName(), "model", model, "provider", provider))
                .increment();
        costCounters.computeIfAbsent(new PricedKey(source, model, null), k -> registry.counter(
                "agentmeter.processor.cost.usd", "source", source.wireName(), "model", model))
                .increment(p.cost().totalUsd().doubleValue());
        if (source == CostSource.DEFAULT) {
            registry.counter("agentmeter.processor.unknown.models", "model",
                    Objects.toString(p.event().model(), "none")).increment();
        }
    }

    public void alert(AlertLevel level) {
        registry.counter("agentmeter.processor.alerts", "level", level.name()).increment();
    }

    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
