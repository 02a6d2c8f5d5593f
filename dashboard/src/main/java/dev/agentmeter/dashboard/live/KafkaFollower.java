package dev.agentmeter.dashboard.live;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.ContractReader;
import dev.agentmeter.support.TopicToEnd;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
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
 * Follows two topics on one thread, without a consumer group (the dashboard commits nothing):
 * the compacted budgets topic from its beginning, kept as a map of the budgets in force, and the
 * alert topic from its end, read committed, each new alert handed to the live feed. Alerts are
 * kept as JSON trees, not parsed into the model: a level this build does not know (a newer
 * processor's) still shows.
 */
public final class KafkaFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaFollower.class);
    private static final int RECENT_ALERTS = 100;

    private final Map<String, Object> consumerConfig;
    private final String budgetsTopic;
    private final String alertsTopic;
    private static final ContractReader<BudgetAlert> ALERTS = ContractReader.of(BudgetAlert.class);
    private final Consumer<BudgetAlert> onAlert;
    private final Map<String, Budget> budgets = new ConcurrentSkipListMap<>();
    private final Deque<BudgetAlert> recent = new ArrayDeque<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public KafkaFollower(
            String bootstrapServers,
            Map<String, Object> overrides,
            String budgetsTopic,
            String alertsTopic,
            Consumer<BudgetAlert> onAlert) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "agentmeter-dashboard");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.putAll(overrides);
        this.consumerConfig = c;
        this.budgetsTopic = budgetsTopic;
        this.alertsTopic = alertsTopic;
        this.onAlert = onAlert;
        this.thread = new Thread(this::run, "agentmeter-dashboard-kafka");
        thread.setDaemon(true);
    }

    public KafkaFollower start() {
        thread.start();
        return this;
    }

    /** The budgets in force, by scope, as the topic holds them now. */
    public Map<String, Budget> budgets() {
        return Map.copyOf(budgets);
    }

    /** Whether the budgets topic has been read to the end it had at start (before that, the list may be short). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Alerts raised since the dashboard started, newest first. */
    public List<BudgetAlert> recentAlerts() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** What keeps the follower from reading, for the page to say (empty when all is well). */
    public Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> budgetParts = partitions(c, budgetsTopic);
            List<TopicPartition> alertParts = partitions(c, alertsTopic);
            if (budgetParts == null || alertParts == null) {
                return;
            }
            List<TopicPartition> all = new ArrayList<>(budgetParts);
            all.addAll(alertParts);
            c.assign(all);
            c.seekToBeginning(budgetParts);
            c.seekToEnd(alertParts);
            TopicToEnd.Mark budgetEnds = TopicToEnd.mark(c, budgetParts);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(budgetsTopic)) {
                        budget(r);
                    } else {
                        alert(r);
                    }
                }
                if (!caughtUp && budgetEnds.reachedBy(c)) {
                    caughtUp = true;
                    log.info("dashboard: {} budgets read from {}", budgets.size(), budgetsTopic);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!running) {
                return; // interrupted while closing
            }
            problems.put("kafka", "stopped following " + budgetsTopic + " and " + alertsTopic + ": " + e);
            log.error("dashboard: stopped following Kafka", e);
        }
    }

    /** The topic's partitions, waiting (and saying so on /health) while it does not exist yet; null when closed first. */
    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
        List<TopicPartition> found = TopicToEnd.awaitPartitions(
                c, topic, Duration.ofSeconds(2), () -> running, why -> problems.put(topic, why));
        if (found != null) {
            problems.remove(topic);
        }
        return found;
    }

    private void budget(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            budgets.remove(r.key());
            return;
        }
        try {
            Budget b = ContractJson.fromBytes(r.value(), Budget.class);
            budgets.put(b.scope().toString(), b);
        } catch (RuntimeException e) {
            log.warn(
                    "dashboard: budget at {}-{}@{} not readable, skipped: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
    }

    private void alert(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        // Not a BudgetAlert (not JSON, a number Jackson cannot hold, a field of the wrong type): skipped,
        // the follower goes on.
        ContractReader.Read<BudgetAlert> read = ALERTS.read(r.value());
        if (!read.ok()) {
            log.warn(
                    "dashboard: alert at {}-{}@{} not readable, skipped: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    read.violation().message());
            return;
        }
        BudgetAlert alert = read.value();
        synchronized (recent) {
            recent.addFirst(alert);
            while (recent.size() > RECENT_ALERTS) {
                recent.removeLast();
            }
        }
        onAlert.accept(alert);
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
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
