package dev.agentmeter.processor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class JvmMetersTest {

    @Test
    void heapThreadsAndCpuAreOnTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        JvmMeters.bindTo(registry);

        assertThat(registry.find("jvm.memory.used").tag("area", "heap").gauges())
                .isNotEmpty();
        assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
        assertThat(registry.find("system.cpu.count").gauge().value())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
