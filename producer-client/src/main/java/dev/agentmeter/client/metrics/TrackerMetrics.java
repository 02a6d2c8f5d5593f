package dev.agentmeter.client.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The client's meters (Prometheus names: {@code agentmeter_client_tracked_total}, ...). Counters are
 * per tracker instance and tagged with the topic, so two trackers in one registry stay apart.
 */
public final class TrackerMetrics {

    private final Counter tracked;
    private final Counter sent;
    private final Counter spooled;
    private final Counter replayed;
    private final Counter invalid;
    private final Counter dropped;
    private final Counter undeliverable;
    private final Counter truncated;

    public TrackerMetrics(MeterRegistry registry, String topic, Supplier<Number> spoolBytes, Supplier<Number> queued) {
        tracked = counter(registry, "agentmeter.client.tracked", "events handed to track()", topic);
        sent = counter(registry, "agentmeter.client.sent", "events acknowledged by Kafka (incl. replayed)", topic);
        spooled = counter(registry, "agentmeter.client.spooled", "events written to the disk spool", topic);
        replayed = counter(registry, "agentmeter.client.replayed", "spooled events delivered to Kafka", topic);
        invalid = counter(
                registry, "agentmeter.client.invalid", "events that broke the contract and were not sent", topic);
        dropped = counter(
                registry, "agentmeter.client.dropped", "events lost because the queue or spool was full", topic);
        undeliverable = counter(registry, "agentmeter.client.undeliverable", "events Kafka refused for good", topic);
        truncated = counter(
                registry,
                "agentmeter.client.truncated",
                "events whose free text was cut to the contract's limits before sending (sent, marked truncated)",
                topic);
        Gauge.builder("agentmeter.client.spool.bytes", spoolBytes)
                .description("bytes in the disk spool")
                .tag("topic", topic)
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("agentmeter.client.queue.size", queued)
                .description("events waiting in memory")
                .tag("topic", topic)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String topic) {
        return Counter.builder(name)
                .description(description)
                .tag("topic", topic)
                .register(registry);
    }

    public void tracked() {
        tracked.increment();
    }

    public void sent() {
        sent.increment();
    }

    public void spooled() {
        spooled.increment();
    }

    public void replayed() {
        replayed.increment();
    }

    public void invalid() {
        invalid.increment();
    }

    public void dropped() {
        dropped.increment();
    }

    public void undeliverable() {
        undeliverable.increment();
    }

    public void truncated() {
        truncated.increment();
    }

    public long trackedCount() {
        return (long) tracked.count();
    }

    public long sentCount() {
        return (long) sent.count();
    }

    public long spooledCount() {
        return (long) spooled.count();
    }

    public long replayedCount() {
        return (long) replayed.count();
    }

    public long invalidCount() {
        return (long) invalid.count();
    }

    public long droppedCount() {
        return (long) dropped.count();
    }

    public long undeliverableCount() {
        return (long) undeliverable.count();
    }

    public long truncatedCount() {
        return (long) truncated.count();
    }
}
