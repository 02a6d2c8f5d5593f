package dev.agentmeter.client.budget;

import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.KafkaSecurity;
import dev.agentmeter.support.TopicToEnd;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget statuses the processor publishes ({@code agentmeter.budget-status}, compacted), kept
 * in memory by one background thread that reads the topic from its beginning and then follows it
 * (read committed, no consumer group: nothing is committed, every process holds the whole table).
 * Questions are answered from that copy: no network call and no lock on the caller's thread.
 *
 * <p>A status names its window. One whose window has ended no longer counts: the scope has spent
 * nothing in its new window yet, so it is not EXCEEDED there.
 */
public final class BudgetWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BudgetWatch.class);
    private static final Period[] PERIODS = Period.values();

    private final Map<String, BudgetStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Clock clock;
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public BudgetWatch(String bootstrapServers, Map<String, ?> kafkaOverrides, String topic, Clock clock) {
        Map<String, Object> c = new HashMap<>(KafkaSecurity.settings(kafkaOverrides));
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "agentmeter-budget-watch");
        this.consumerConfig = c;
        this.topic = topic;
        this.clock = clock;
        this.thread = new Thread(this::run, "agentmeter-budget-watch");
        thread.setDaemon(true);
    }

    public BudgetWatch start() {
        thread.start();
        return this;
    }

    /** The scope's status in {@code period}, if the processor published one and its window is current. */
    public Optional<BudgetStatus> status(String scope, Period period) {
        BudgetStatus s = statuses.get(scope + "|" + period);
        return s != null && current(s) ? Optional.of(s) : Optional.empty();
    }

    /** Every current status of the scope (one per budgeted period). */
    public List<BudgetStatus> statuses(String scope) {
        List<BudgetStatus> out = new ArrayList<>(PERIODS.length);
        for (Period p : PERIODS) {
            status(scope, p).ifPresent(out::add);
        }
        return out;
    }

    /** False once any of the scopes is EXCEEDED in a current window of any period; true otherwise (also before the table is read). */
    public boolean allows(String... scopes) {
        for (String scope : scopes) {
            if (scope == null) {
                continue;
            }
            for (Period p : PERIODS) {
                BudgetStatus s = statuses.get(scope + "|" + p);
                if (s != null && s.level() == BudgetStatus.Level.EXCEEDED && current(s)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the table has been read up to where it ended when the watch started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private boolean current(BudgetStatus s) {
        return s.windowEnd() == null || clock.instant().isBefore(s.windowEnd());
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = partitions(c);
            if (partitions == null) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            TopicToEnd.Mark ends = TopicToEnd.mark(c, partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (!caughtUp && ends.reachedBy(c)) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                log.warn(
                        "agentmeter: budget status no longer followed ({}): allows() answers from what was read",
                        e.toString());
            }
        }
    }

    /** Null when closed first. Kafka not reachable or the topic not there yet: the tracker spools meanwhile. */
    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        return TopicToEnd.awaitPartitions(c, topic, Duration.ofSeconds(2), () -> running, why -> {});
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            statuses.remove(r.key());
            return;
        }
        try {
            statuses.put(r.key(), ContractJson.fromBytes(r.value(), BudgetStatus.class));
        } catch (RuntimeException e) {
            log.debug("agentmeter: budget status {} not readable, skipped: {}", r.key(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
