package dev.agentmeter.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.aggregate.SpendAggregate;
import dev.agentmeter.processor.aggregate.SpendStores;
import dev.agentmeter.processor.topology.UsageTopology;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 events (plus 5 % redeliveries) through the real topology on the in-JVM broker with
 * exactly-once processing; the instance is closed mid-stream and a new one, with an empty state
 * directory, takes over. Aggregates and alerts must equal an independent oracle exactly.
 */
class ProcessorEndToEndIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path work;

    private static final int EVENTS = 10_000;
    private static final int USERS = 10;

    private ProcessorConfig config(String stateDir, Map<String, String> topics) {
        Map<String, String> p = new HashMap<>(topics);
        p.put(ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.put(ProcessorConfig.APPLICATION_ID, "e2e-" + topics.get(ProcessorConfig.TOPIC_RAW));
        p.put(ProcessorConfig.STATE_DIR, stateDir);
        p.put(ProcessorConfig.HTTP_PORT, "0");
        return ProcessorConfig.of(p);
    }

    /** Event i costs 0.001 × (1 + i % 5) USD: 400 × (1 + i % 5) input tokens of gpt-4o at $2.50/M. */
    private static UsageEvent event(int i, Instant base) {
        return UsageEvent.builder()
                .eventId("ev-" + i)
                .timestamp(base.plusMillis(i))
                .agent("agent-" + (i % 3))
                .userId("u" + (i % USERS))
                .sessionId("s" + (i % 50))
                .teamId("team-" + (i % 2))
                .model("gpt-4o")
                .usage(Usage.of(400L * (1 + i % 5), 0))
                .build();
    }

    private static BigDecimal cost(int i) {
        return new BigDecimal("0.001").multiply(BigDecimal.valueOf(1 + i % 5));
    }

    @Test
    void tenThousandEventsWithARestartGiveExactAggregatesAndAlerts() throws Exception {
        String prefix = kafka.uniqueTopic("e2e");
        Map<String, String> topics = Map.of(
                ProcessorConfig.TOPIC_RAW,
                prefix + ".raw",
                ProcessorConfig.TOPIC_PRICED,
                prefix + ".priced",
                ProcessorConfig.TOPIC_REJECTED,
                prefix + ".rejected",
                ProcessorConfig.TOPIC_PRICES,
                prefix + ".prices",
                ProcessorConfig.TOPIC_BUDGETS,
                prefix + ".budgets",
                ProcessorConfig.TOPIC_ALERTS,
                prefix + ".alerts");
        Instant base = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
        if (!base.truncatedTo(ChronoUnit.DAYS).equals(base.plusMillis(EVENTS).truncatedTo(ChronoUnit.DAYS))) {
            base = base.plusMillis(EVENTS).truncatedTo(ChronoUnit.DAYS); // keep every event in one UTC day
        }
        Instant day = base.atZone(ZoneOffset.UTC)
                .toLocalDate()
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();

        ProcessorConfig first =
                config(Files.createDirectories(work.resolve("state-a")).toString(), topics);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            ProcessorApp a = new ProcessorApp(first);
            a.prepare(3, (short) 1);
            producer.send(new ProducerRecord<>(
                            first.budgetsTopic(),
                            "user:u0",
                            ContractJson.toBytes(new Budget(
                                    Scope.parse("user:u0"), Map.of(Period.DAY, new BigDecimal("1.00")), null))))
                    .get();
            a.start();
            assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
            produce(producer, first.rawTopic(), 0, EVENTS / 2, base);
            awaitPriced(first.pricedTopic(), 2000);
            a.close();

            produce(producer, first.rawTopic(), EVENTS / 2, EVENTS, base);
        }

        ProcessorConfig second =
                config(Files.createDirectories(work.resolve("state-b")).toString(), topics);
        try (ProcessorApp b = new ProcessorApp(second)) {
            b.start();
            assertThat(b.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<PricedUsage> priced = awaitPriced(second.pricedTopic(), EVENTS);

            assertThat(priced).hasSize(EVENTS);
            assertThat(priced.stream().map(p -> p.event().eventId()).distinct().count())
                    .isEqualTo(EVENTS);

            Map<String, BigDecimal> expectedByUser = new HashMap<>();
            BigDecimal expectedTotal = BigDecimal.ZERO;
            for (int i = 0; i < EVENTS; i++) {
                expectedByUser.merge("u" + (i % USERS), cost(i), BigDecimal::add);
                expectedTotal = expectedTotal.add(cost(i));
            }
            ReadOnlyKeyValueStore<String, SpendAggregate> store = b.streams()
                    .store(StoreQueryParameters.fromNameAndType(
                            SpendStores.DEFAULT.spend(), QueryableStoreTypes.keyValueStore()));
            awaitCount(store, SpendStores.key(Period.DAY, day, Scope.GLOBAL), EVENTS);
            SpendAggregate global = store.get(SpendStores.key(Period.DAY, day, Scope.GLOBAL));
            assertThat(global.events()).isEqualTo(EVENTS);
            assertThat(global.spendUsd()).isEqualByComparingTo(expectedTotal);
            assertThat(global.spendUsd().toPlainString()).isEqualTo("30");
            for (int u = 0; u < USERS; u++) {
                awaitCount(store, SpendStores.key(Period.DAY, day, Scope.parse("user:u" + u)), EVENTS / USERS);
                SpendAggregate user = store.get(SpendStores.key(Period.DAY, day, Scope.parse("user:u" + u)));
                assertThat(user.spendUsd()).as("user u" + u).isEqualByComparingTo(expectedByUser.get("u" + u));
                assertThat(user.events()).isEqualTo(EVENTS / USERS);
            }

            List<String> alertIds = readAlerts(second.alertsTopic(), 3).stream()
                    .map(BudgetAlert::alertId)
                    .toList();
            assertThat(alertIds)
                    .containsExactlyInAnyOrder(
                            "user:u0|DAY|" + day + "|0.5",
                            "user:u0|DAY|" + day + "|0.8",
                            "user:u0|DAY|" + day + "|1.0");

            String at = "&at=" + base;
            Http.Reply u0 = Http.get(b.httpPort(), "/v1/spend/user/u0?period=DAY" + at);
            assertThat(u0.status()).isEqualTo(200);
            assertThat(u0.json().get("spendUsd").asText()).isEqualTo("1");
            assertThat(u0.json().get("events").asLong()).isEqualTo(1000);
            assertThat(u0.json().get("limitUsd").asText()).isEqualTo("1.00");
            assertThat(u0.json().get("remainingUsd").asText()).isEqualTo("0");
            assertThat(u0.json().get("thresholdsCrossed").toString()).isEqualTo("[\"0.5\",\"0.8\",\"1.0\"]");
            assertThat(u0.json().get("windowStart").asText()).isEqualTo(day.toString());

            Http.Reply nobody = Http.get(b.httpPort(), "/v1/spend/user/nobody?period=MONTH" + at);
            assertThat(nobody.status()).isEqualTo(200);
            assertThat(nobody.json().get("spendUsd").asText()).isEqualTo("0");
            assertThat(nobody.json().get("events").asLong()).isZero();

            Http.Reply top = Http.get(b.httpPort(), "/v1/top/user?period=DAY&limit=3" + at);
            assertThat(top.json().findValuesAsText("scope")).containsExactly("user:u4", "user:u9", "user:u3");
            assertThat(top.json().findValuesAsText("spendUsd")).containsExactly("5", "5", "4");

            assertThat(Http.get(b.httpPort(), "/v1/prices/gpt-4o-2024-08-06")
                            .json()
                            .get("modelKey")
                            .asText())
                    .isEqualTo("gpt-4o");
            assertThat(Http.get(b.httpPort(), "/v1/prices/nope").status()).isEqualTo(404);
            assertThat(Http.get(b.httpPort(), "/v1/spend/org/x").status()).isEqualTo(400);
            assertThat(Http.get(b.httpPort(), "/v1/spend/user/u0?period=WEEK")
                            .json()
                            .get("error")
                            .asText())
                    .isEqualTo("period 'WEEK' is not one of HOUR, DAY, MONTH, SESSION");
            assertThat(Http.get(b.httpPort(), "/health").status()).isEqualTo(200);
            // Counters are per instance (which events B priced depends on when A stopped), so only their presence is
            // fixed.
            assertThat(Http.get(b.httpPort(), "/metrics").body())
                    .contains(
                            "agentmeter_processor_priced_total{model=\"gpt-4o\",provider=\"unknown\",source=\"catalog\"} ")
                    .contains("agentmeter_processor_alerts_total{level=\"EXCEEDED\"} 1.0")
                    .contains("kafka_stream_thread_");
            // Every store type's metrics, not only the first type's (ProcessorMetrics.stateStoreTags).
            Http.awaitMetric(b.httpPort(), "kafka_stream_state_commit_latency_avg\\{[^}]*state_id=\"spend-store\"");
            Http.awaitMetric(
                    b.httpPort(),
                    "kafka_stream_state_commit_latency_avg\\{[^}]*state_id=\"" + UsageTopology.DEDUP_STORE + "\"");
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Events [from, to), every 20th sent twice: a redelivery keyed by eventId, so mostly on another
     * partition than the original, which takes the by-home-partition detour to be de-duplicated.
     */
    private static void produce(KafkaProducer<String, byte[]> producer, String topic, int from, int to, Instant base)
            throws Exception {
        Sends sends = Sends.of(producer);
        for (int i = from; i < to; i++) {
            UsageEvent e = event(i, base);
            byte[] json = ContractJson.toBytes(e);
            sends.add(producer.send(new ProducerRecord<>(topic, e.sessionId(), json)));
            if (i % 20 == 0) {
                sends.add(producer.send(new ProducerRecord<>(topic, e.eventId(), json)));
            }
        }
        sends.await();
    }

    /** The priced topic's committed records once {@code n} arrived (or 120 s passed), then 2 s more. */
    private static List<PricedUsage> awaitPriced(String topic, int n) {
        return TopicReader.await(kafka.bootstrapServers(), topic, n, Duration.ofSeconds(120), Duration.ofSeconds(2))
                .stream()
                .map(r -> ContractJson.fromBytes(r.value(), PricedUsage.class))
                .toList();
    }

    /** The alert topic's committed records once {@code n} arrived (or 60 s passed), then 3 s more: an extra alert fails. */
    private static List<BudgetAlert> readAlerts(String topic, int n) {
        return TopicReader.await(kafka.bootstrapServers(), topic, n, Duration.ofSeconds(60), Duration.ofSeconds(3))
                .stream()
                .map(r -> ContractSerdes.budgetAlert().deserialize(topic, r.value()))
                .toList();
    }

    private static void awaitCount(ReadOnlyKeyValueStore<String, SpendAggregate> store, String key, long events) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            SpendAggregate a = store.get(key);
            if (a != null && a.events() >= events) {
                return;
            }
            LockSupport.parkNanos(100_000_000);
        }
    }
}
