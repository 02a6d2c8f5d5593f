package dev.agentmeter.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The collector's meters: requests by endpoint and status, events by endpoint and result, request time. */
final class CollectorMetrics {

    private final MeterRegistry registry;

    CollectorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(String endpoint, int status, long nanos) {
        registry.counter("agentmeter.collector.requests", "endpoint", endpoint, "status", Integer.toString(status))
                .increment();
        Timer.builder("agentmeter.collector.request.duration")
                .tag("endpoint", endpoint)
                .description("time from a request's arrival to its answer, its events durable")
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code result}: accepted, rejected, or ignored (spans that are not GenAI inference spans). */
    void events(String endpoint, String result, long count) {
        if (count > 0) {
            registry.counter("agentmeter.collector.events", "endpoint", endpoint, "result", result)
                    .increment((double) count);
        }
    }
}
