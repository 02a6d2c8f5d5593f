package dev.agentmeter.notifier;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.json.ContractJson;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One alert to every target it is for, each with its own retries (exponential backoff with
 * equal jitter, a target's Retry-After honoured up to the maximum); what a target never takes becomes a
 * {@link DeadLetter}. Returns only when every target delivered or dead-lettered it: then, and only
 * then, may the caller commit past the alert.
 */
final class Deliverer {

    private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

    private final List<Target> targets;
    private final Target alertmanager;
    private final int maxAttempts;
    private final Duration initial;
    private final Duration max;
    private final Consumer<DeadLetter> deadLetters;
    private final NotifierMetrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    Deliverer(
            Target alertmanager,
            List<Target> webhooks,
            int maxAttempts,
            Duration initial,
            Duration max,
            Consumer<DeadLetter> deadLetters,
            NotifierMetrics metrics,
            Clock clock,
            Sleeper sleeper) {
        this.alertmanager = alertmanager;
        this.targets = webhooks;
        this.maxAttempts = maxAttempts;
        this.initial = initial;
        this.max = max;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The targets an alert goes to: Alertmanager when configured, and every webhook rule matching its scope. */
    List<Target> targetsFor(BudgetAlert alert) {
        List<Target> out = new ArrayList<>();
        if (alertmanager != null) {
            out.add(alertmanager);
        }
        for (Target t : targets) {
            if (!(t instanceof HttpTargets.Webhook w) || matches(w, alert)) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean matches(HttpTargets.Webhook w, BudgetAlert alert) {
        return w.route().matches(alert.scope().toString());
    }

    void deliver(BudgetAlert alert) throws InterruptedException {
        for (Target t : targetsFor(alert)) {
            deliver(alert, t);
        }
    }

    /** Whether the target took the alert (false: it was dead-lettered). */
    boolean deliver(BudgetAlert alert, Target t) throws InterruptedException {
        Target.Outcome last = null;
        int made = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            made = attempt;
            last = t.send(alert);
            if (last.kind() == Target.Outcome.Kind.DELIVERED) {
                metrics.delivered(t.name(), clock.instant().getEpochSecond());
                return true;
            }
            metrics.failedAttempt(t.name());
            if (last.kind() == Target.Outcome.Kind.REFUSED || attempt == maxAttempts) {
                break;
            }
            sleeper.sleep(backoff(attempt, last.retryAfter()));
        }
        DeadLetter dead = new DeadLetter(alert, t.name(), last.reason(), made, clock.instant());
        log.warn(
                "alert {} not delivered to {}: {}; on the dead-letter topic", alert.alertId(), t.name(), last.reason());
        deadLetters.accept(dead);
        metrics.deadLettered(t.name());
        return false;
    }

    /** Between half and all of min(max, initial × 2^(attempt-1)); a Retry-After the target sent wins, up to max. */
    Duration backoff(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(max) > 0 ? max : retryAfter;
        }
        long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    static byte[] bytes(DeadLetter d) {
        return ContractJson.toBytes(d);
    }
}
