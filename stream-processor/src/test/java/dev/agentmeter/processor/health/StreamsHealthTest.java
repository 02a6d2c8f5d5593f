package dev.agentmeter.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamsHealthTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final Map<MetricName, Metric> metrics = new HashMap<>();
    private KafkaStreams.State state = KafkaStreams.State.RUNNING;
    private final StreamsHealth health =
            new StreamsHealth(() -> state, () -> metrics, Duration.ofMinutes(10), Duration.ofMinutes(5), clock);

    private void metric(String group, String name, String clientId, double value) {
        MetricName n = new MetricName(
                name, group, "", clientId == null ? Map.of("thread-id", "t1") : Map.of("client-id", clientId));
        metrics.put(n, new Metric() {
            @Override
            public MetricName metricName() {
                return n;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void runningAndProcessingIsHealthy() {
        metric("stream-thread-metrics", "process-total", null, 10);
        metric("consumer-fetch-manager-metrics", "records-lag-max", "app-1-StreamThread-1-consumer", 5);
        health.check();
        advance(Duration.ofMinutes(6));
        metric("stream-thread-metrics", "process-total", null, 20);

        assertThat(health.check()).isEqualTo(new StreamsHealth.Verdict(true, "RUNNING", "RUNNING", null));
    }

    @Test
    void nothingProcessedWhileInputWaitsIsStalledWithTheReason() {
        metric("stream-thread-metrics", "process-total", null, 10);
        metric("consumer-fetch-manager-metrics", "records-lag-max", "app-1-StreamThread-1-consumer", 300);
        health.check();
        advance(Duration.ofMinutes(6));

        StreamsHealth.Verdict v = health.check();
        assertThat(v.healthy()).isFalse();
        assertThat(v.status()).isEqualTo("STALLED");
        assertThat(v.reason())
                .isEqualTo("no record processed for 360 s while 300 record(s) wait on an input partition");
    }

    @Test
    void nothingProcessedWithNothingWaitingIsHealthy() {
        metric("stream-thread-metrics", "process-total", null, 10);
        metric("consumer-fetch-manager-metrics", "records-lag-max", "app-1-StreamThread-1-consumer", 0);
        metric("consumer-fetch-manager-metrics", "records-lag-max", "app-1-StreamThread-1-restore-consumer", 99);
        health.check();
        advance(Duration.ofMinutes(6));

        assertThat(health.check().healthy()).isTrue();
    }

    @Test
    void threadsFailingThreeTimesWithinTheWindowAreFailingWithTheLastCause() {
        health.threadFailed(new RuntimeException("wrapper", new IllegalStateException("bad record")));
        health.threadFailed(new IllegalStateException("bad record"));
        assertThat(health.check().healthy()).isTrue();
        health.threadFailed(new IllegalStateException("bad record"));

        StreamsHealth.Verdict v = health.check();
        assertThat(v.status()).isEqualTo("FAILING");
        assertThat(v.reason())
                .isEqualTo("stream threads failed 3 times in the last 10 min; last: IllegalStateException: bad record");
        advance(Duration.ofMinutes(11));
        assertThat(health.check().healthy())
                .as("failures older than the window are forgotten")
                .isTrue();
    }

    @Test
    void aRebalancingInstanceIsNotHealthyButNotStalledEither() {
        state = KafkaStreams.State.REBALANCING;

        assertThat(health.check()).isEqualTo(new StreamsHealth.Verdict(false, "REBALANCING", "REBALANCING", null));
    }
}
