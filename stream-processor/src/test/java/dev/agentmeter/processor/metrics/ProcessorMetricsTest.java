package dev.agentmeter.processor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcessorMetricsTest {

    /** Two store types' meters as Micrometer's Kafka Streams binder names and tags them. */
    private static String scrape(PrometheusMeterRegistry registry) {
        Gauge.builder("kafka.stream.state.commit.latency.avg", () -> 1.5).tags(Tags.of("kafka.version", "4.3.1",
                "rocksdb.window.state.id", "dedup-store", "task.id", "0_0", "thread.id", "t-1")).register(registry);
        Gauge.builder("kafka.stream.state.commit.latency.avg", () -> 2.5).tags(Tags.of("kafka.version", "4.3.1",
                "rocksdb.state.id", "spend-store", "task.id", "2_0", "thread.id", "t-1")).register(registry);
        return String.join("\n", Arrays.stream(registry.scrape().split("\n"))
                .filter(l -> l.startsWith("kafka_stream_state_commit_latency_avg{")).sorted().toList());
    }

    @Test
    void withoutTheFilterPrometheusDropsTheSecondStoreTypesMeters() {
        assertThat(scrape(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).isEqualTo(
                "kafka_stream_state_commit_latency_avg{kafka_version=\"4.3.1\",rocksdb_window_state_id=\"dedup-store\","
                        + "task_id=\"0_0\",thread_id=\"t-1\"} 1.5");
    }

    @Test
    void everyStoreTypesMetersShareTheTagKeyStateId() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(ProcessorMetrics.stateStoreTags());

        assertThat(scrape(registry)).isEqualTo(
                "kafka_stream_state_commit_latency_avg{kafka_version=\"4.3.1\",state_id=\"dedup-store\","
                        + "task_id=\"0_0\",thread_id=\"t-1\"} 1.5\n"
                + "kafka_stream_state_commit_latency_avg{kafka_version=\"4.3.1\",state_id=\"spend-store\","
                        + "task_id=\"2_0\",thread_id=\"t-1\"} 2.5");
    }
}
