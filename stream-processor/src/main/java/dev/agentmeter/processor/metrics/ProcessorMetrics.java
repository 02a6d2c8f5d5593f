package dev.agentmeter.processor.metrics;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The processor's own meters (Kafka Streams' metrics are bound separately by the runner). */
public final class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter late;
    private final Counter rerouted;
    private final Counter truncated;
    private final Counter replacedCharacters;
    private final Map<PricedKey, Counter> pricedCounters = new ConcurrentHashMap<>();
    private final Map<PricedKey, Counter> driftCounters = new ConcurrentHashMap<>();
    private final Map<PricedKey, Counter> costCounters = new ConcurrentHashMap<>();

    /** A counter's tags; {@code provider} is null for the cost counter, which has none. */
    private record PricedKey(CostSource source, String model, String provider) {}

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("agentmeter.processor.duplicates")
                .description("events dropped because their eventId was seen before")
                .register(registry);
        this.late = Counter.builder("agentmeter.processor.late")
                .description("events later than the grace period: priced and sunk, not aggregated")
                .register(registry);
        this.rerouted = Counter.builder("agentmeter.processor.rerouted")
                .description("valid events that arrived away from their home partition (a producer not keying raw"
                        + " records by eventId) and took the by-home-partition detour")
                .register(registry);
        this.truncated = Counter.builder("agentmeter.processor.truncated")
                .description(
                        "events whose free text the processor cut (they are priced and stored with truncated=true)")
                .register(registry);
        this.replacedCharacters = Counter.builder("agentmeter.processor.replaced.characters")
                .description(
                        "U+0000 and unpaired surrogates in free text replaced by U+FFFD (Postgres cannot store them)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A record sent to the rejected topic: where ({@code validate}, {@code budget-input}, ...) and why (the rule). */
    public void rejected(String stage, String rule) {
        registry.counter("agentmeter.processor.rejected", "stage", stage, "reason", rule)
                .increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void rerouted() {
        rerouted.increment();
    }

    /** Text of one event was cut ({@code cut}) and/or had {@code replaced} characters replaced. */
    public void cut(boolean cut, int replaced) {
        if (cut) {
            truncated.increment();
        }
        if (replaced > 0) {
            replacedCharacters.increment(replaced);
        }
    }

    public void late(long events) {
        late.increment((double) events);
    }

    public void priced(PricedUsage p) {
        CostSource source = p.pricing().source();
        String model = Objects.toString(p.pricing().modelKey(), "unknown");
        String provider = Objects.toString(p.event().provider(), "unknown");
        // Looked up per event: a map hit (keys built without concatenating strings) instead of
        // building meter ids in the registry every time.
        pricedCounters
                .computeIfAbsent(
                        new PricedKey(source, model, provider),
                        k -> registry.counter(
                                "agentmeter.processor.priced",
                                "source",
                                source.wireName(),
                                "model",
                                model,
                                "provider",
                                provider))
                .increment();
        costCounters
                .computeIfAbsent(
                        new PricedKey(source, model, null),
                        k -> registry.counter(
                                "agentmeter.processor.cost.usd", "source", source.wireName(), "model", model))
                .increment(p.cost().totalUsd().doubleValue());
        if (source == CostSource.DEFAULT) {
            registry.counter(
                            "agentmeter.processor.unknown.models",
                            "model",
                            Objects.toString(p.event().model(), "none"))
                    .increment();
        }
        if (source == CostSource.CATALOG
                && p.pricing().serviceTier() != null
                && !p.pricing().serviceTier().equals(p.event().servedTier())) {
            // Served at a tier the catalog has no prices for: priced at standard, like an unknown model priced at the
            // default.
            registry.counter(
                            "agentmeter.processor.tier.unpriced",
                            "model",
                            model,
                            "tier",
                            p.event().servedTier())
                    .increment();
        }
        if (source == CostSource.PROVIDER
                && drifted(p.cost().totalUsd(), p.cost().catalogUsd())) {
            driftCounters
                    .computeIfAbsent(
                            new PricedKey(source, model, provider),
                            k -> registry.counter(
                                    "agentmeter.processor.price.drift", "model", model, "provider", provider))
                    .increment();
        }
    }

    /** A provider-reported cost this far from our catalog's figure is drift (view {@code price_drift_by_model}: same rule). */
    public static final BigDecimal DRIFT_TOLERANCE = new BigDecimal("0.01");

    /**
     * Whether the provider's billed cost and the catalog's own figure differ by more than
     * {@link #DRIFT_TOLERANCE} of the catalog figure: the catalog is out of date, or the provider
     * bills something the catalog does not know (a tier, a tool), before any invoice says so.
     */
    public static boolean drifted(BigDecimal billed, BigDecimal catalog) {
        if (billed == null || catalog == null) {
            return false;
        }
        if (catalog.signum() == 0) {
            return billed.signum() != 0;
        }
        return billed.subtract(catalog).abs().compareTo(catalog.abs().multiply(DRIFT_TOLERANCE)) > 0;
    }

    /** A zoned budget window seeded with hours no longer kept: its spend may be short (see SpendProcessor#seed). */
    public void zoneSeedInexact() {
        registry.counter("agentmeter.budget.zone.seed.inexact").increment();
    }

    public void alert(AlertLevel level) {
        registry.counter("agentmeter.processor.alerts", "level", level.name()).increment();
    }

    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
