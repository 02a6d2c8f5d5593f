package dev.agentmeter.processor.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
// Micrometer's CPU binder; the import shadows this package's own ProcessorMetrics here, on purpose.
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/** Heap, threads and CPU next to the Streams metrics: what an operator sizes an instance by. */
public final class JvmMeters {

    private JvmMeters() {}

    public static void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }
}
