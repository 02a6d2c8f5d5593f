package dev.agentmeter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.ChaosTraffic;
import dev.agentmeter.embedded.ConsumerGroups;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.topology.UsageTopology;
import dev.agentmeter.sink.runner.EmbeddedConnect;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline broken on purpose while traffic flows: the processor (a separate JVM) is
 * SIGKILLed and restarted 5 times, the broker restarts once, PostgreSQL is down for a while;
 * the input carries ~5 % redeliveries and ~2 % malformed records. Afterwards the accounting must
 * be exact: rows = distinct valid events, sum(total_cost_usd) = the independent oracle, alerts =
 * the expected alertId set without duplicates, rejected = malformed.
 *
 * <p>CI size: 3,000 valid events, 10 s Postgres outage. {@code -Dchaos.full=true}: 100,000 events, 30 s.
 */
class ChaosIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    private static final boolean FULL = Boolean.getBoolean("chaos.full");
    private static final int VALID = FULL ? 100_000 : 3_000;
    private static final Duration PG_OUTAGE = Duration.ofSeconds(FULL ? 30 : 10);
    private static final int CHUNKS = 12;
    private static final String APP_ID = "chaos";

    @Test
    void killsRestartsAndOutagesLoseNothingAndCountNothingTwice(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work)
            throws Exception { // kept for its logs if it fails
        String pgUrl = pg.createDatabase("chaos");
        ChaosTraffic traffic = new ChaosTraffic(VALID, 20261122L, Instant.now().minus(Duration.ofMinutes(5)));
        Map<String, BigDecimal> limits = Map.of(
                "u0",
                new BigDecimal("1.00"),
                "u1",
                traffic.limitCrossingHalfOnly("u1"),
                "u2",
                new BigDecimal("100000"));

        Path config = ProcessorProcess.config(work, kafka.bootstrapServers(), APP_ID, 0, Map.of());
        ProcessorProcess processor = ProcessorProcess.start(config, work.resolve("processor-0.log"), 0, "512m");
        try (EmbeddedConnect connect = EmbeddedConnect.start(
                kafka.bootstrapServers(),
                work.resolve("connect.offsets"),
                Map.of("consumer.max.poll.records", "2000"))) {
            connect.putConnector("sink", sinkConfig(pgUrl));
            TopicReader.awaitTopic(kafka.bootstrapServers(), Topics.BUDGETS, Duration.ofSeconds(90));
            for (Map.Entry<String, BigDecimal> l : limits.entrySet()) {
                Budget b = new Budget(Scope.parse("user:" + l.getKey()), Map.of(Period.DAY, l.getValue()), null);
                send(
                        List.of(new ChaosTraffic.Raw(b.scope().toString(), ContractJson.toBytes(b), null)),
                        Topics.BUDGETS);
            }

            List<List<ChaosTraffic.Raw>> chunks = chunk(traffic.records, CHUNKS);
            int kills = 0;
            for (int i = 0; i < chunks.size(); i++) {
                long committedBefore = ConsumerGroups.committed(kafka.bootstrapServers(), APP_ID, Topics.USAGE_RAW);
                send(chunks.get(i), Topics.USAGE_RAW);
                switch (i) {
                    case 1, 3, 5, 8, 10 -> { // kill -9 mid-stream, restart on the same state directory
                        awaitProgress(committedBefore);
                        processor.kill();
                        kills++;
                        processor =
                                ProcessorProcess.start(config, work.resolve("processor-" + kills + ".log"), 0, "512m");
                    }
                    case 4 -> { // broker restart: every client reconnects, transactions abort and retry
                        kafka.stopBroker();
                        Thread.sleep(2000); // the fault: the broker stays down this long
                        kafka.startBroker();
                    }
                    case 6 -> { // database outage: the sink retries with backoff, commits nothing meanwhile
                        pg.stopServer();
                        Thread.sleep(PG_OUTAGE.toMillis()); // the fault: Postgres stays down this long
                        pg.startServer();
                    }
                    default -> {}
                }
            }
            assertThat(kills).isEqualTo(5);

            Set<String> expectedAlerts = traffic.expectedAlerts(limits);
            PostgresExtension.awaitCount(
                    pgUrl,
                    "SELECT count(*) FROM agent_usage",
                    traffic.validIds.size(),
                    Duration.ofMinutes(FULL ? 20 : 5));
            PostgresExtension.awaitCount(
                    pgUrl, "SELECT count(*) FROM budget_alerts", expectedAlerts.size(), Duration.ofMinutes(2));
            // The processor has consumed and committed everything: no further alert or priced record can come.
            // (The sink needs no such wait: its tables have one row per eventId/alertId, so the counts
            // above are final. Its committed offsets also stop one short of a trailing transaction marker.)
            kafka.awaitCaughtUp(
                    APP_ID,
                    Duration.ofMinutes(2),
                    Topics.USAGE_RAW,
                    Topics.BUDGETS,
                    APP_ID + "-" + UsageTopology.BY_HOME_PARTITION + "-repartition",
                    APP_ID + "-" + UsageTopology.BY_SCOPE + "-repartition");

            try (Connection c = DriverManager.getConnection(pgUrl)) {
                traffic.assertLedger(c, expectedAlerts);
            }
            List<String> alertTopic = readAll(Topics.BUDGET_ALERTS).stream()
                    .map(v -> ContractJson.fromBytes(v, BudgetAlert.class).alertId())
                    .toList();
            assertThat(alertTopic).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedAlerts);
            assertThat(readAll(Topics.USAGE_REJECTED)).hasSize(traffic.malformed);
            System.out.printf(
                    "chaos: %d valid, %d redeliveries, %d malformed, %d alerts, total $%s — exact after 5 kills, "
                            + "a broker restart and a %d s Postgres outage%n",
                    traffic.validIds.size(),
                    traffic.duplicates,
                    traffic.malformed,
                    expectedAlerts.size(),
                    traffic.expectedTotal.toPlainString(),
                    PG_OUTAGE.toSeconds());
        } finally {
            processor.kill();
        }
    }

    private static Map<String, String> sinkConfig(String pgUrl) {
        Map<String, String> config = new HashMap<>(EmbeddedConnect.sinkConfig(pgUrl, null, null, 2));
        config.put("retry.backoff.ms", "200");
        config.put("retry.backoff.max.ms", "2000");
        return config;
    }

    private static List<List<ChaosTraffic.Raw>> chunk(List<ChaosTraffic.Raw> all, int n) {
        List<List<ChaosTraffic.Raw>> chunks = new ArrayList<>();
        int size = (all.size() + n - 1) / n;
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    private static void send(List<ChaosTraffic.Raw> records, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            Sends.all(
                    producer,
                    records.stream()
                            .map(r -> new ProducerRecord<>(topic, r.key(), r.value()))
                            .toList());
        }
    }

    private static List<byte[]> readAll(String topic) {
        return TopicReader.readToEnd(kafka.bootstrapServers(), topic, Duration.ofSeconds(60)).stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    /** Waits until the processor has committed progress on the raw topic: a kill then lands mid-stream. */
    private static void awaitProgress(long committedBefore) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (ConsumerGroups.committed(kafka.bootstrapServers(), APP_ID, Topics.USAGE_RAW) <= committedBefore) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the processor made no progress within 120 s");
            }
            Thread.sleep(100);
        }
    }
}
