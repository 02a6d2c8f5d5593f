package dev.agentmeter.processor.metrics;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.PricedUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The processor's own meters (Kafka Streams' metrics are bound separately by the runner). */
public final class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter late;
    private final Counter rerouted;
    private final Map<String, Counter> pricedCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> costCounters = new ConcurrentHashMap<>();

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
        String source = p.pricing().source().wireName();
        String model = Objects.toString(p.pricing().modelKey(), "unknown");
        String provider = Objects.toString(p.event().provider(), "unknown");
        // Looked up per event: a map hit instead of building meter ids in the registry every time.
        pricedCounters.computeIfAbsent(source + '\u0000' + model + '\u0000' + provider, k -> registry.counter(
                "agentmeter.processor.priced", "source", source, "model", model, "provider", provider)).increment();
        costCounters.computeIfAbsent(source + '\u0000' + model, k -> registry.counter(
                "agentmeter.processor.cost.usd", "source", source, "model", model))
                .increment(p.cost().totalUsd().doubleValue());
        if ("default".equals(source)) {
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
