package dev.agentmeter.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** {@code agentmeter_notifier_*}: what the PrometheusRule "notifier failing to deliver" and "dead letters waiting" read. */
final class NotifierMetrics {

    private final MeterRegistry registry;
    private final AtomicLong lastDelivery = new AtomicLong();

    NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("agentmeter.notifier.last.delivery.seconds", lastDelivery, AtomicLong::doubleValue);
    }

    MeterRegistry registry() {
        return registry;
    }

    void delivered(String target, long epochSecond) {
        registry.counter("agentmeter.notifier.delivered", "target", target).increment();
        lastDelivery.set(epochSecond);
    }

    void failedAttempt(String target) {
        registry.counter("agentmeter.notifier.failed.attempts", "target", target)
                .increment();
    }

    void deadLettered(String target) {
        registry.counter("agentmeter.notifier.dead.letters", "target", target).increment();
    }

    void alertmanagerInstanceFailed(String instance) {
        registry.counter("agentmeter.notifier.alertmanager.instance.failures", "instance", instance)
                .increment();
    }

    void resent(int alerts) {
        registry.counter("agentmeter.notifier.resent").increment(alerts);
    }
}
