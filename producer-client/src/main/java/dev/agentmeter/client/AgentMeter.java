package dev.agentmeter.client;

import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide tracking for code that cannot pass a tracker around: configure once at start-up,
 * then {@code AgentMeter.track(...)} anywhere. Before {@link #configure} (or after {@link #reset})
 * events are counted as unconfigured and ignored, never thrown at the caller.
 */
public final class AgentMeter {

    private static final Logger log = LoggerFactory.getLogger(AgentMeter.class);
    private static volatile UsageTracker tracker;
    private static final AtomicLong unconfigured = new AtomicLong();
    private static final AtomicBoolean warned = new AtomicBoolean();

    private AgentMeter() {}

    /** Makes {@code value} the process-wide tracker; the caller still owns (and closes) it. */
    public static void configure(UsageTracker value) {
        tracker = value;
    }

    /** Forgets the process-wide tracker without closing it. */
    public static void reset() {
        tracker = null;
        unconfigured.set(0);
        warned.set(false);
    }

    public static UsageTracker tracker() {
        return tracker;
    }

    /** See {@link UsageTracker#track(UsageEvent)}. */
    public static String track(UsageEvent event) {
        UsageTracker t = tracker;
        if (t == null) {
            ignored();
            return null;
        }
        return t.track(event);
    }

    /** See {@link UsageTracker#trackApi}. */
    public static String trackApi(
            String service, String endpoint, Integer statusCode, BigDecimal costUsd, Long durationMs) {
        UsageTracker t = tracker;
        if (t == null) {
            ignored();
            return null;
        }
        return t.trackApi(service, endpoint, statusCode, costUsd, durationMs);
    }

    /**
     * See {@link UsageTracker#budget}: e.g. {@code AgentMeter.budget("user:alice", Period.DAY)}.
     * Empty before {@link #configure}.
     */
    public static Optional<BudgetStatus> budget(String scope, Period period) {
        UsageTracker t = tracker;
        return t == null ? Optional.empty() : t.budget(scope, period);
    }

    /** See {@link UsageTracker#allows}; true before {@link #configure}. */
    public static boolean allows(String... scopes) {
        UsageTracker t = tracker;
        return t == null || t.allows(scopes);
    }

    /** Events tracked while no tracker was configured. */
    public static long unconfiguredCount() {
        return unconfigured.get();
    }

    private static void ignored() {
        unconfigured.incrementAndGet();
        if (warned.compareAndSet(false, true)) {
            log.warn("agentmeter: AgentMeter.track() called before AgentMeter.configure(tracker); events are ignored");
        }
    }
}
