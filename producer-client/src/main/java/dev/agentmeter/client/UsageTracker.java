package dev.agentmeter.client;

import dev.agentmeter.client.budget.BudgetWatch;
import dev.agentmeter.client.metrics.TrackerMetrics;
import dev.agentmeter.client.redact.Redactor;
import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.EventIds;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.UsageEventValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports usage events to Kafka without ever slowing or breaking the agent.
 *
 * <p>{@link #track(UsageEvent)} fills in {@code eventId}, {@code timestamp}, {@code sessionId} and the
 * configured defaults, puts the event on an in-memory queue and returns: no network or disk I/O
 * and no exception on the caller's thread. One background thread validates, redacts and
 * serialises the events and sends them with an idempotent producer (acks=all), keyed by
 * {@code eventId}. Free text beyond the contract's limits is cut, never a reason to drop an event.
 * When Kafka is unreachable the events go to a disk spool and are replayed, in order, when it is
 * back, also after a restart.
 *
 * <p>Guarantees: an event that {@link #flush()} or {@link #close()} has returned after is in Kafka
 * or fsynced in the spool. A {@code kill -9} loses what was only in memory: events still queued,
 * events the producer had not yet had acknowledged, and spool lines written since the last fsync
 * (at most {@code spoolFsyncEveryEvents} events or {@code spoolFsyncInterval}). Replay is
 * at-least-once; the stream processor removes duplicates by {@code eventId}. When the queue
 * ({@code queueCapacity}) or the spool ({@code spoolMaxBytes}) is full, new events are dropped and
 * counted ({@code agentmeter.client.dropped}) and the error handler is told.
 */
public final class UsageTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageTracker.class);

    private final TrackerConfig config;
    private final TrackerMetrics metrics;
    private final BlockingQueue<Tracked> queue;
    private final Sender sender;
    private final String generatedSession = UUID.randomUUID().toString();
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final AtomicReference<UsageEvent> lastDropped = new AtomicReference<>();
    /** The budget statuses, when subscribed ({@link Builder#budgetStatus}); else null. */
    private final BudgetWatch budgets;

    private volatile boolean closed;

    private UsageTracker(TrackerConfig config) {
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.sender = new Sender(config, queue, this::takeDropReport);
        this.metrics = sender.metrics();
        sender.start();
        this.budgets = config.budgetStatusTopic() == null
                ? null
                : new BudgetWatch(
                                config.bootstrapServers(),
                                config.kafkaOverrides(),
                                config.budgetStatusTopic(),
                                Clock.systemUTC())
                        .start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tracks one event and returns its {@code eventId} at once. Never blocks, never throws: problems
     * go to the error handler and the metrics. Returns null only when the event could not even be
     * queued (null event, closed tracker, full queue).
     */
    public String track(UsageEvent event) {
        try {
            metrics.tracked();
            if (event == null || closed) {
                dropped(event);
                return null;
            }
            UsageEvent filled = withDefaults(event);
            if (!queue.offer(new Tracked(filled, null))) {
                dropped(filled);
                return null;
            }
            return filled.eventId();
        } catch (Throwable t) {
            // Tracking must never break the agent, whatever happens in here.
            dropped(event);
            return null;
        }
    }

    /** Tracks a non-LLM call (search API, web fetch) with the cost it had. */
    public String trackApi(String service, String endpoint, Integer statusCode, BigDecimal costUsd, Long durationMs) {
        return track(UsageEvent.builder()
                .kind(UsageEvent.KIND_API)
                .api(new ApiCall(service, endpoint, statusCode, costUsd))
                .call(new Call(
                        null,
                        null,
                        durationMs,
                        statusCode == null || statusCode < 400 ? Call.STATUS_SUCCESS : Call.STATUS_ERROR,
                        null,
                        null))
                .build());
    }

    /**
     * As {@link #track}, for a caller that must know whether the event was made durable (the
     * collector answers its senders only then): the future completes once the event is acknowledged
     * by Kafka, fsynced in the spool, or not kept, and says which. Never throws, never blocks; a
     * full queue or a closed tracker completes it at once as {@code DROPPED}.
     */
    public CompletableFuture<Durability> trackDurably(UsageEvent event) {
        CompletableFuture<Durability> done = new CompletableFuture<>();
        try {
            metrics.tracked();
            if (event == null || closed) {
                dropped(event);
                done.complete(new Durability(
                        event == null ? null : event.eventId(),
                        Durability.Outcome.DROPPED,
                        event == null ? "the event is null" : "the tracker is closed"));
                return done;
            }
            UsageEvent filled = withDefaults(event);
            if (!queue.offer(new Tracked(filled, done))) {
                dropped(filled);
                done.complete(new Durability(
                        filled.eventId(),
                        Durability.Outcome.DROPPED,
                        "the in-memory queue (" + config.queueCapacity() + " events) is full"));
            }
        } catch (Throwable t) {
            done.complete(new Durability(
                    event == null ? null : event.eventId(),
                    Durability.Outcome.DROPPED,
                    "the event could not be queued: " + t));
        }
        return done;
    }

    /**
     * Waits until everything tracked so far is acknowledged by Kafka or fsynced in the spool; false
     * when that did not happen within {@code timeout} or when an event was lost since the previous flush (spool
     * full or unwritable, refused by Kafka). Blocks the caller: for shutdown hooks and tests, not
     * for the hot path.
     */
    public boolean flush(Duration timeout) {
        return sender.flush(timeout);
    }

    public boolean flush() {
        return flush(config.closeTimeout());
    }

    /**
     * The scope's budget in {@code period} now: spend, limit, used ratio and level, as the processor
     * last published it. Never blocks, never throws: empty when not subscribed
     * ({@link Builder#budgetStatus}), when the scope has no budget for the period, or when its
     * window has ended (a new window starts at zero).
     */
    public Optional<BudgetStatus> budget(String scope, Period period) {
        try {
            return budgets == null || scope == null || period == null
                    ? Optional.empty()
                    : budgets.status(scope, period);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the agent may spend on: false once any of the scopes ({@code "user:alice"},
     * {@code "team:support"}, ...) is EXCEEDED in a current window, so that agent code can refuse
     * the next call. Answers from memory, without a network call or a lock; true when not
     * subscribed or before the first statuses arrive (tracking never stops an agent by itself).
     * As fresh as the processor's commit interval and one poll (see the client README).
     */
    public boolean allows(String... scopes) {
        try {
            return budgets == null || scopes == null || budgets.allows(scopes);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Stops accepting events, sends or spools what is queued, and releases Kafka and the spool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (budgets != null) {
            budgets.close();
        }
        sender.shutdown(config.closeTimeout());
    }

    public TrackerMetrics metrics() {
        return metrics;
    }

    public TrackerConfig config() {
        return config;
    }

    /** Events the in-memory queue can still take before {@link #track} drops them. */
    public int remainingCapacity() {
        return queue.remainingCapacity();
    }

    /** True while events go to the spool because Kafka is unreachable. */
    public boolean isSpooling() {
        return sender.isSpooling();
    }

    /**
     * Whether the tracker can make progress, and if not why: its background thread ended, or events
     * handed to Kafka or the spool have waited longer than {@code stalledAfter} with nothing
     * confirmed meanwhile.
     */
    public Health health(Duration stalledAfter) {
        if (closed) {
            return new Health(false, "the tracker is closed", sender.unresolved());
        }
        if (!sender.isAlive()) {
            Throwable why = sender.died();
            return new Health(false, "the sender thread ended" + (why == null ? "" : ": " + why), sender.unresolved());
        }
        long waiting = sender.unresolved();
        long quiet = System.nanoTime() - sender.lastResolvedNanos();
        if (waiting > 0 && quiet > stalledAfter.toNanos()) {
            return new Health(
                    false,
                    waiting + " event(s) handed over and nothing confirmed for "
                            + Duration.ofNanos(quiet).toSeconds() + " s (Kafka and the spool both stuck?)",
                    waiting);
        }
        return new Health(true, null, waiting);
    }

    /** What {@link #health} found: {@code reason} says why not when {@code up} is false. */
    public record Health(boolean up, String reason, long unconfirmed) {}

    private UsageEvent withDefaults(UsageEvent e) {
        if (e.eventId() != null
                && e.timestamp() != null
                && (e.sessionId() != null || !config.generateSession())
                && e.agent() != null
                && (e.teamId() != null || config.defaultTeam() == null)
                && (e.userId() != null || config.defaultUser() == null)) {
            return e;
        }
        UsageEvent.Builder b = e.toBuilder();
        if (e.eventId() == null) {
            b.eventId(EventIds.next());
        }
        if (e.timestamp() == null) {
            b.timestamp(Instant.now());
        }
        if (e.sessionId() == null && config.generateSession()) {
            b.sessionId(config.defaultSession() != null ? config.defaultSession() : generatedSession);
        }
        if (e.agent() == null) {
            b.agent(config.defaultAgent());
        }
        if (e.teamId() == null) {
            b.teamId(config.defaultTeam());
        }
        if (e.userId() == null) {
            b.userId(config.defaultUser());
        }
        return b.build();
    }

    private void dropped(UsageEvent event) {
        metrics.dropped();
        droppedSinceReport.incrementAndGet();
        lastDropped.set(event);
    }

    /** Called by the sender: how many events were dropped on callers' threads since the last call. */
    private TrackingError takeDropReport() {
        long n = droppedSinceReport.getAndSet(0);
        if (n == 0) {
            return null;
        }
        String why = closed
                ? "the tracker is closed"
                : "the in-memory queue (" + config.queueCapacity() + " events) was full or the event was null";
        return new TrackingError(
                TrackingError.Type.DROPPED, lastDropped.getAndSet(null), n + " event(s) dropped: " + why, null);
    }

    /**
     * Configures a tracker. Every setting has a sane default except where noted; build() fails with
     * a message naming the setting when a value is unusable.
     */
    public static final class Builder {
        private String bootstrapServers = "localhost:9092";
        private String topic = TrackerConfig.DEFAULT_TOPIC;
        private String agent = "unknown-agent";
        private String team;
        private String user;
        private String session;
        private boolean generateSession = true;
        private Path spoolDirectory = Path.of(System.getProperty("user.home"), ".agentmeter", "spool");
        private long spoolMaxBytes = 256L * 1024 * 1024;
        private int spoolFsyncEveryEvents = 1000;
        private Duration spoolFsyncInterval = Duration.ofMillis(200);
        private int queueCapacity = 100_000;
        private Duration replayProbeInterval = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Redactor redactor = Redactor.defaults();
        private TrackingErrorHandler errorHandler =
                error -> log.warn("agentmeter: {} ({})", error.reason(), error.type(), error.cause());
        private MeterRegistry meterRegistry;
        private final Map<String, Object> kafka = new HashMap<>();
        private String budgetStatusTopic;
        private Duration maxFutureSkew = UsageEventValidator.DEFAULT_MAX_FUTURE_SKEW;

        private Builder() {}

        /** Kafka bootstrap servers. Default {@code localhost:9092}. */
        public Builder bootstrapServers(String value) {
            bootstrapServers = value;
            return this;
        }
        /** Topic for raw events. Default {@code agentmeter.usage.raw}. */
        public Builder topic(String value) {
            topic = value;
            return this;
        }
        /** Agent name for events that name none. Default {@code unknown-agent}. */
        public Builder agent(String value) {
            agent = value;
            return this;
        }
        /** Team for events that name none. Default: none. */
        public Builder team(String value) {
            team = value;
            return this;
        }
        /** User for events that name none. Default: none. */
        public Builder user(String value) {
            user = value;
            return this;
        }
        /** Session for events that name none. Default: a UUID generated once per tracker. */
        public Builder session(String value) {
            session = value;
            return this;
        }
        /**
         * Whether events that name no session get one (the configured one, else the tracker's). Default
         * true: one agent process, one session. A service forwarding many senders' events (the
         * collector) turns it off, so that sessionless events stay sessionless.
         */
        public Builder generateSession(boolean value) {
            generateSession = value;
            return this;
        }
        /** Where events wait while Kafka is unreachable. Default {@code ~/.agentmeter/spool}; one process per directory. */
        public Builder spoolDirectory(Path value) {
            spoolDirectory = value;
            return this;
        }
        /** Upper bound of the spool on disk; beyond it new events are dropped and counted. Default 256 MiB. */
        public Builder spoolMaxBytes(long value) {
            spoolMaxBytes = value;
            return this;
        }
        /** fsync the spool after this many events at the latest. Default 1000. */
        public Builder spoolFsyncEveryEvents(int value) {
            spoolFsyncEveryEvents = value;
            return this;
        }
        /** fsync the spool after this long at the latest. Default 200 ms. */
        public Builder spoolFsyncInterval(Duration value) {
            spoolFsyncInterval = value;
            return this;
        }
        /** Events held in memory between track() and the background thread. Default 100,000. */
        public Builder queueCapacity(int value) {
            queueCapacity = value;
            return this;
        }
        /** While spooling, how often to check whether Kafka is back. Default 5 s. */
        public Builder replayProbeInterval(Duration value) {
            replayProbeInterval = value;
            return this;
        }
        /** How long close() and flush() wait for Kafka before spooling what is left. Default 10 s. */
        public Builder closeTimeout(Duration value) {
            closeTimeout = value;
            return this;
        }
        /** Redaction of task.description, call.errorMessage and attribute values. Default {@link Redactor#defaults()}. */
        public Builder redactor(Redactor value) {
            redactor = value;
            return this;
        }
        /** Adds a redaction rule to the current redactor. */
        public Builder redact(String name, String regex, String replacement) {
            redactor = redactor.with(name, regex, replacement);
            return this;
        }
        /** Receives invalid, dropped and undeliverable events (on a background thread). Default: log a warning. */
        public Builder errorHandler(TrackingErrorHandler value) {
            errorHandler = value;
            return this;
        }
        /** Where the client's meters go. Default: a private SimpleMeterRegistry. */
        public Builder meterRegistry(MeterRegistry value) {
            meterRegistry = value;
            return this;
        }
        /** Any Kafka producer setting (SASL/SSL, client.id, ...); wins over the client's defaults. */
        public Builder kafka(String key, Object value) {
            kafka.put(key, value);
            return this;
        }

        public Builder kafka(Map<String, ?> values) {
            kafka.putAll(values);
            return this;
        }
        /**
         * Follow the budget status topic for {@link UsageTracker#budget} and {@link UsageTracker#allows}
         * (one background consumer, the whole compacted table in memory). Default off.
         */
        public Builder budgetStatus(boolean value) {
            budgetStatusTopic = value ? (budgetStatusTopic != null ? budgetStatusTopic : Topics.BUDGET_STATUS) : null;
            return this;
        }
        /**
         * How far ahead of this host's clock an event's timestamp may be; later ones are reported as
         * invalid and not sent. The same setting as the processor's and the collector's
         * {@code max.future.skew}. Default 24 h.
         */
        public Builder maxFutureSkew(Duration value) {
            maxFutureSkew = value;
            return this;
        }
        /** The budget status topic to follow (turns {@link #budgetStatus} on). Default {@code agentmeter.budget-status}. */
        public Builder budgetStatusTopic(String value) {
            budgetStatusTopic = value;
            return this;
        }

        public UsageTracker build() {
            require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrapServers", "must not be empty");
            require(topic != null && !topic.isBlank(), "topic", "must not be empty");
            require(agent != null && !agent.isBlank() && agent.length() <= 200, "agent", "must be 1-200 characters");
            require(spoolDirectory != null, "spoolDirectory", "must be set");
            require(spoolMaxBytes >= 1024 * 1024, "spoolMaxBytes", "must be at least 1 MiB, was " + spoolMaxBytes);
            require(spoolFsyncEveryEvents >= 1, "spoolFsyncEveryEvents", "must be at least 1");
            require(queueCapacity >= 1, "queueCapacity", "must be at least 1");
            requirePositive(spoolFsyncInterval, "spoolFsyncInterval");
            requirePositive(replayProbeInterval, "replayProbeInterval");
            requirePositive(closeTimeout, "closeTimeout");
            requirePositive(maxFutureSkew, "maxFutureSkew");
            Objects.requireNonNull(redactor, "redactor");
            Objects.requireNonNull(errorHandler, "errorHandler");
            return new UsageTracker(new TrackerConfig(
                    bootstrapServers,
                    topic,
                    agent,
                    team,
                    user,
                    session,
                    generateSession,
                    spoolDirectory,
                    spoolMaxBytes,
                    spoolFsyncEveryEvents,
                    spoolFsyncInterval,
                    queueCapacity,
                    replayProbeInterval,
                    closeTimeout,
                    redactor,
                    errorHandler,
                    meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(),
                    kafka,
                    budgetStatusTopic,
                    maxFutureSkew));
        }

        private static void requirePositive(Duration d, String key) {
            require(d != null && !d.isNegative() && !d.isZero(), key, "must be a positive duration, was " + d);
        }

        private static void require(boolean ok, String key, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("UsageTracker setting '" + key + "' " + rule);
            }
        }
    }
}
