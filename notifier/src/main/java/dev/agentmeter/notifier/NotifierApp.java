package dev.agentmeter.notifier;

import dev.agentmeter.http.HttpServers;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.json.ContractJson;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: a consumer group on the budget-alert topic (read committed) that hands every alert
 * to Alertmanager and the webhook rules, and commits an offset only after every alert up to it was
 * delivered or dead-lettered, so a crash redelivers and a restart never skips. Active alerts are
 * posted to Alertmanager again every resend interval until their window ends.
 *
 * <pre>
 * GET /health    200 UP while it consumes; 503 DOWN with the reason (Kafka unreachable, a loop that ended)
 * GET /metrics   Prometheus: agentmeter_notifier_*
 * </pre>
 */
public final class NotifierApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotifierApp.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final NotifierConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NotifierMetrics metrics = new NotifierMetrics(registry);
    private final Map<String, BudgetAlert> active = new ConcurrentHashMap<>();
    /** Orders a resend against the RESOLVED of the same alert (see handle). */
    private final Object resendLock = new Object();

    private final AtomicReference<String> problem = new AtomicReference<>();
    private volatile Instant lastPoll = Instant.EPOCH;
    private volatile boolean running = true;
    private final HttpTargets.Alertmanager alertmanager;
    private final Deliverer deliverer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> deadLetters;
    private final ScheduledExecutorService resender;
    private volatile ScheduledFuture<?> resends;
    private Thread loop;
    private Javalin http;

    public NotifierApp(NotifierConfig config) {
        this(config, Clock.systemUTC());
    }

    NotifierApp(NotifierConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        this.alertmanager = config.alertmanagerUrls().isEmpty()
                ? null
                : new HttpTargets.Alertmanager(
                        config.alertmanagerUrls(),
                        client,
                        config.requestTimeout(),
                        config.dashboardUrl(),
                        clock,
                        metrics);
        List<Target> webhooks = new ArrayList<>();
        byte[] key = config.signingKey();
        config.routes()
                .forEach(r -> webhooks.add(new HttpTargets.Webhook(
                        r, client, config.requestTimeout(), key, config.dashboardUrl(), clock)));
        this.consumer =
                new KafkaConsumer<>(consumerProps(config), new StringDeserializer(), new ByteArrayDeserializer());
        this.deadLetters =
                new KafkaProducer<>(producerProps(config), new StringSerializer(), new ByteArraySerializer());
        this.deliverer = new Deliverer(
                alertmanager,
                webhooks,
                config.maxAttempts(),
                config.backoffInitial(),
                config.backoffMax(),
                this::deadLetter,
                metrics,
                clock,
                d -> Thread.sleep(d.toMillis()));
        this.resender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agentmeter-notifier-resend");
            t.setDaemon(true);
            return t;
        });
    }

    static Properties consumerProps(NotifierConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        // Retries of one alert may take minutes; the group must not think the member died meanwhile.
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000);
        p.putAll(config.kafkaOverrides());
        return p;
    }

    static Properties producerProps(NotifierConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(config.kafkaOverrides());
        return p;
    }

    public NotifierApp start() {
        http = HttpServers.create("notifier", config.httpAccess(), c -> {
                    c.routes.get("/health", ctx -> {
                        String reason = health();
                        ctx.status(reason == null ? 200 : 503)
                                .json(
                                        reason == null
                                                ? Map.of("status", "UP")
                                                : Map.of("status", "DOWN", "reason", reason));
                    });
                    HttpServers.metrics(c, registry::scrape);
                })
                .start(config.httpPort());
        consumer.subscribe(List.of(config.alertsTopic()));
        loop = new Thread(this::run, "agentmeter-notifier");
        loop.start();
        if (alertmanager != null) {
            long every = config.resendInterval().toMillis();
            resends = resender.scheduleWithFixedDelay(this::resend, every, every, TimeUnit.MILLISECONDS);
        }
        log.info("agentmeter notifier: {} on {} → {}", config.groupId(), config.alertsTopic(), describeTargets());
        return this;
    }

    private String describeTargets() {
        List<String> t = new ArrayList<>();
        if (alertmanager != null) {
            t.add(config.alertmanagerUrls().size() + " Alertmanager URL(s)");
        }
        config.routes().forEach(r -> t.add(r.format() + " webhook for " + r.scope()));
        return String.join(", ", t);
    }

    public int port() {
        return http.port();
    }

    private String health() {
        String p = problem.get();
        if (p != null) {
            return p;
        }
        if (!running) {
            return "stopped";
        }
        if (Duration.between(lastPoll, clock.instant()).compareTo(Duration.ofMinutes(16)) > 0) {
            return "no poll of " + config.alertsTopic() + " since " + lastPoll;
        }
        return null;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                lastPoll = clock.instant();
                problem.set(null);
                for (ConsumerRecord<String, byte[]> r : records) {
                    handle(r);
                    // Every alert up to this one is delivered or dead-lettered: only now may the group move past it.
                    consumer.commitSync(Map.of(
                            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException closing) {
            // close() asked the loop to end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problem.set("the delivery loop ended: " + e);
            log.error("agentmeter notifier: the delivery loop ended; /health says DOWN", e);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) throws InterruptedException {
        Optional<BudgetAlert> alert = readAlert(r.value());
        if (alert.isEmpty()) {
            log.warn("{}-{}@{}: not a deliverable BudgetAlert, skipped", r.topic(), r.partition(), r.offset());
            metrics.registry().counter("agentmeter.notifier.unreadable").increment();
            return;
        }
        BudgetAlert a = alert.get();
        if (a.level() == AlertLevel.RESOLVED) {
            // Out of the resent set before the RESOLVED is posted, under the resend lock: a resend of the firing
            // alert in flight finishes first, and none comes after, so Alertmanager never gets the firing alert
            // (endsAt the window's end) after the one that ends it (which would keep it firing: a lost resolve).
            synchronized (resendLock) {
                active.remove(identity(a));
            }
        }
        deliverer.deliver(a);
        track(a);
    }

    /**
     * A record of the alert topic as an alert every target can be given (id, scope, period, window,
     * threshold, level, money and raisedAt present), else empty: a record nobody can act on is
     * skipped and counted, never a reason to stop delivering the others.
     */
    static Optional<BudgetAlert> readAlert(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        BudgetAlert a;
        try {
            a = ContractJson.fromBytes(value, BudgetAlert.class);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
        boolean complete = a != null
                && a.alertId() != null
                && a.scope() != null
                && a.period() != null
                && a.windowStart() != null
                && a.windowEnd() != null
                && a.threshold() != null
                && a.level() != null
                && a.spendUsd() != null
                && a.limitUsd() != null
                && a.raisedAt() != null;
        return complete ? Optional.of(a) : Optional.empty();
    }

    /** Keeps Alertmanager's copy alive: the alert is re-posted until its window ends, a RESOLVED one ends it. */
    private void track(BudgetAlert alert) {
        String identity = identity(alert);
        if (alert.level() == AlertLevel.RESOLVED) {
            active.remove(identity);
        } else if (alert.windowEnd().isAfter(clock.instant())) {
            active.put(identity, alert);
        }
    }

    /** What Alertmanager identifies the alert by (its labels), without RESOLVED's suffix. */
    static String identity(BudgetAlert a) {
        String id = a.alertId();
        if (id.endsWith("|resolved")) {
            id = id.substring(0, id.length() - "|resolved".length());
        }
        return id.replaceFirst("\\|\\d+$", "");
    }

    private void resend() {
        if (alertmanager == null) {
            return;
        }
        Instant now = clock.instant();
        active.values().removeIf(a -> !a.windowEnd().isAfter(now));
        int sent = 0;
        for (BudgetAlert a : new ArrayList<>(active.values())) {
            synchronized (resendLock) {
                if (!a.equals(active.get(identity(a)))) {
                    continue; // resolved (or replaced) since the snapshot
                }
                if (alertmanager.send(a).kind() == Target.Outcome.Kind.DELIVERED) {
                    sent++;
                }
            }
        }
        metrics.resent(sent);
    }

    private void deadLetter(DeadLetter d) {
        try {
            deadLetters
                    .send(new ProducerRecord<>(
                            config.deadLetterTopic(), d.alert().alertId(), Deliverer.bytes(d)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while dead-lettering " + d.alert().alertId(), e);
        } catch (ExecutionException e) {
            // Not committed past it: the alert is delivered again after a restart rather than lost.
            throw new IllegalStateException(
                    "cannot write the dead letter of " + d.alert().alertId() + ": " + e.getCause(), e);
        }
    }

    /** Alerts that Alertmanager is kept informed of (tests, /metrics). */
    Map<String, BudgetAlert> active() {
        return new LinkedHashMap<>(active);
    }

    Deliverer deliverer() {
        return deliverer;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (resends != null) {
            resends.cancel(true);
        }
        resender.shutdownNow();
        try {
            if (loop != null) {
                loop.join(Duration.ofSeconds(30).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        deadLetters.close(Duration.ofSeconds(5));
        if (http != null) {
            http.stop();
        }
    }
}
