package dev.agentmeter.processor.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether the processor makes progress, as {@code /health} reports it. Kafka Streams' own state
 * says RUNNING while a stream thread fails on the same record again and again (it is replaced and
 * fails anew), or while a task processes nothing although input waits; this says so instead:
 *
 * <ul>
 *   <li>{@code FAILING}: stream threads were replaced {@value #FAILURES} times or more within
 *       {@code window}, with the last failure named;</li>
 *   <li>{@code STALLED}: RUNNING, records wait on the input partitions (consumer lag above zero)
 *       and not one record was processed for {@code stallAfter}.</li>
 * </ul>
 *
 * Progress is sampled from the Streams metrics ({@code stream-thread-metrics/process-total},
 * {@code consumer-fetch-manager-metrics/records-lag-max} of the stream threads' main consumers) on
 * every {@link #check()} and on a schedule the app keeps.
 */
public final class StreamsHealth {

    static final int FAILURES = 3;

    /** The verdict: {@code status} is the Streams state when healthy, else FAILING or STALLED. */
    public record Verdict(boolean healthy, String status, String state, String reason) {

        /** Whether it can still recover by itself: only FAILING, STALLED and the ended states are not alive. */
        public boolean alive() {
            return !status.equals("FAILING")
                    && !status.equals("STALLED")
                    && !status.equals("ERROR")
                    && !status.equals("PENDING_ERROR")
                    && !status.equals("NOT_RUNNING");
        }
    }

    private final Supplier<KafkaStreams.State> state;
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Duration window;
    private final Duration stallAfter;
    private final Clock clock;
    private final Deque<Instant> failures = new ArrayDeque<>();
    private volatile String lastFailure;
    private double lastProcessed = -1;
    private Instant lastProgress;

    public StreamsHealth(KafkaStreams streams, Duration window, Duration stallAfter) {
        this(streams::state, streams::metrics, window, stallAfter, Clock.systemUTC());
    }

    StreamsHealth(
            Supplier<KafkaStreams.State> state,
            Supplier<Map<MetricName, ? extends Metric>> metrics,
            Duration window,
            Duration stallAfter,
            Clock clock) {
        this.state = state;
        this.metrics = metrics;
        this.window = window;
        this.stallAfter = stallAfter;
        this.clock = clock;
        this.lastProgress = clock.instant();
    }

    /** A stream thread died of {@code e} (and is being replaced). */
    public synchronized void threadFailed(Throwable e) {
        failures.addLast(clock.instant());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        lastFailure = message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    public synchronized Verdict check() {
        Instant now = clock.instant();
        KafkaStreams.State s = state.get();
        while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(window))) {
            failures.removeFirst();
        }
        if (failures.size() >= FAILURES) {
            return new Verdict(
                    false,
                    "FAILING",
                    s.name(),
                    "stream threads failed " + failures.size() + " times in the last " + window.toMinutes()
                            + " min; last: " + lastFailure);
        }
        double processed = 0;
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> m : metrics.get().entrySet()) {
            MetricName n = m.getKey();
            if (n.group().equals("stream-thread-metrics") && n.name().equals("process-total")) {
                processed += number(m.getValue());
            } else if (n.group().equals("consumer-fetch-manager-metrics")
                    && n.name().equals("records-lag-max")
                    && isMainConsumer(n.tags().get("client-id"))) {
                lag = Math.max(lag, number(m.getValue()));
            }
        }
        if (processed != lastProcessed || s != KafkaStreams.State.RUNNING || lag <= 0) {
            lastProcessed = processed;
            lastProgress = now;
        } else if (Duration.between(lastProgress, now).compareTo(stallAfter) > 0) {
            return new Verdict(
                    false,
                    "STALLED",
                    s.name(),
                    "no record processed for "
                            + Duration.between(lastProgress, now).toSeconds() + " s while " + (long) lag
                            + " record(s) wait on an input partition");
        }
        return new Verdict(s == KafkaStreams.State.RUNNING, s.name(), s.name(), null);
    }

    private static boolean isMainConsumer(String clientId) {
        return clientId != null
                && clientId.contains("-StreamThread-")
                && clientId.endsWith("-consumer")
                && !clientId.endsWith("-restore-consumer");
    }

    private static double number(Metric m) {
        Object v = m.metricValue();
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
    }
}
