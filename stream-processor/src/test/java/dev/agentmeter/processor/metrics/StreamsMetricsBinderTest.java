package dev.agentmeter.processor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kafka metrics from a real {@link Metrics} registry, as Kafka Streams keeps them, read into Prometheus. */
class StreamsMetricsBinderTest {

    private final Metrics kafka = new Metrics();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamsMetricsBinder binder = new StreamsMetricsBinder(kafka::metrics, registry);
    private final String version = AppInfoParser.getVersion();

    @AfterEach
    void close() {
        binder.close();
        kafka.close();
    }

    /** A store's commit latency, tagged as Kafka Streams tags a store of that type. */
    private void storeLatency(String typeKey, String store, String task, double value) {
        MetricName name = kafka.metricName(
                "commit-latency-avg",
                "stream-state-metrics",
                "",
                Map.of("thread-id", "t-1", "task-id", task, typeKey, store));
        Sensor sensor = kafka.sensor(store + "-" + task + "-commit");
        sensor.add(name, new Avg());
        sensor.record(value);
    }

    private String scrape(String prefix) {
        return String.join(
                "\n",
                Arrays.stream(registry.scrape().split("\n"))
                        .filter(l -> l.startsWith(prefix))
                        .sorted()
                        .toList());
    }

    @Test
    void everyStoreTypeIsTaggedStateIdSoPrometheusKeepsThemAll() {
        storeLatency("rocksdb-window-state-id", "event-id-store", "1_0", 1.5);
        storeLatency("rocksdb-state-id", "spend-store", "2_0", 2.5);
        storeLatency("in-memory-state-id", "prices-store", "-1_-1", 3.5);

        binder.refresh();

        assertThat(scrape("kafka_stream_state_commit_latency_avg{"))
                .isEqualTo("kafka_stream_state_commit_latency_avg{kafka_version=\"" + version
                        + "\",state_id=\"event-id-store\","
                        + "task_id=\"1_0\",thread_id=\"t-1\"} 1.5\n"
                        + "kafka_stream_state_commit_latency_avg{kafka_version=\"" + version
                        + "\",state_id=\"prices-store\","
                        + "task_id=\"-1_-1\",thread_id=\"t-1\"} 3.5\n"
                        + "kafka_stream_state_commit_latency_avg{kafka_version=\"" + version
                        + "\",state_id=\"spend-store\","
                        + "task_id=\"2_0\",thread_id=\"t-1\"} 2.5");
    }

    @Test
    void theMetersOfADepartedTaskGoWithIt() {
        storeLatency("rocksdb-state-id", "spend-store", "2_0", 2.5);
        storeLatency("rocksdb-state-id", "spend-store", "2_1", 4.5);
        binder.refresh();

        kafka.removeSensor("spend-store-2_1-commit");
        binder.refresh();

        assertThat(scrape("kafka_stream_state_commit_latency_avg{"))
                .isEqualTo("kafka_stream_state_commit_latency_avg{kafka_version=\"" + version
                        + "\",state_id=\"spend-store\"," + "task_id=\"2_0\",thread_id=\"t-1\"} 2.5");
    }

    @Test
    void aTaskThatComesBackIsBoundOnceAgain() {
        storeLatency("rocksdb-state-id", "spend-store", "2_0", 2.5);
        binder.refresh();
        kafka.removeSensor("spend-store-2_0-commit");
        binder.refresh();
        storeLatency("rocksdb-state-id", "spend-store", "2_0", 7.5);

        binder.refresh();
        binder.refresh();

        assertThat(registry.find("kafka.stream.state.commit.latency.avg").meters())
                .hasSize(1);
        assertThat(scrape("kafka_stream_state_commit_latency_avg{")).endsWith("} 7.5");
    }

    @Test
    void totalsAreCountersOtherMetricsGauges() {
        MetricName name = kafka.metricName("process-total", "stream-thread-metrics", "", Map.of("thread-id", "t-1"));
        Sensor sensor = kafka.sensor("process");
        sensor.add(name, new CumulativeSum());
        sensor.record(42);

        binder.refresh();

        assertThat(scrape("kafka_stream_thread_process_total{"))
                .isEqualTo(
                        "kafka_stream_thread_process_total{kafka_version=\"" + version + "\",thread_id=\"t-1\"} 42.0");
    }
}
