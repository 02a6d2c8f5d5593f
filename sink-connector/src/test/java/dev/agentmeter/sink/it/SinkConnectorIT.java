package dev.agentmeter.sink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.hostile.HostileDocuments;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.sink.Samples;
import dev.agentmeter.sink.SinkConfig;
import dev.agentmeter.sink.runner.EmbeddedConnect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real connector in Connect's standalone runtime, on the in-JVM broker and PostgreSQL 17. */
class SinkConnectorIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");

    private EmbeddedConnect connect;
    private String pricedTopic;
    private String alertsTopic;
    private String dlqTopic;
    private String url;

    @TempDir
    Path work;

    @BeforeAll
    static void recordMeters() {
        // The global registry is a composite: without a registry in it, the sink's meters count nothing.
        Metrics.addRegistry(new SimpleMeterRegistry());
    }

    @BeforeEach
    void start() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        pricedTopic = "priced-" + suffix;
        alertsTopic = "alerts-" + suffix;
        dlqTopic = "dlq-" + suffix;
        kafka.createTopics(new NewTopic(pricedTopic, 3, (short) 1), new NewTopic(alertsTopic, 1, (short) 1));
        url = pg.createDatabase("sink_it_" + suffix);
        connect = EmbeddedConnect.start(kafka.bootstrapServers(), work.resolve("connect.offsets"), Map.of());
        Map<String, String> config = new HashMap<>(EmbeddedConnect.sinkConfig(url, null, null, 2));
        config.put("topics", pricedTopic + "," + alertsTopic);
        config.put(SinkConfig.TOPIC_PRICED, pricedTopic);
        config.put(SinkConfig.TOPIC_ALERTS, alertsTopic);
        config.put(SinkConfig.RETRY_BACKOFF_MS, "200");
        config.put(SinkConfig.RETRY_BACKOFF_MAX_MS, "1000");
        config.put("errors.deadletterqueue.topic.name", dlqTopic);
        connect.putConnector("sink", config);
        connect.awaitRunning("sink", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        connect.close();
    }

    @Test
    void twentyThousandRecordsWithDuplicatesLandAsExactlyTheDistinctRows() throws Exception {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        BigDecimal expectedSum = BigDecimal.ZERO;
        for (int i = 0; i < 20_000; i++) {
            BigDecimal cost = new BigDecimal("0.000" + (1 + i % 997));
            expectedSum = expectedSum.add(cost);
            PricedUsage priced = Samples.simple("evt-" + i, DAY.plusMillis(i * 1000L), "u" + (i % 50), cost);
            records.add(new ProducerRecord<>(pricedTopic, priced.event().eventId(), ContractJson.toBytes(priced)));
        }
        for (int i = 0; i < 2_000; i++) { // redeliveries, as after a producer retry or a processor restart
            records.add(records.get(i * 7));
        }
        for (String threshold : List.of("0.5", "0.8", "1.0", "0.5")) {
            BudgetAlert alert = Samples.alert("u1", threshold);
            records.add(new ProducerRecord<>(alertsTopic, alert.scope().toString(), ContractJson.toBytes(alert)));
        }
        send(records);

        awaitCount("SELECT count(*) FROM agent_usage", 20_000);
        awaitCount("SELECT count(*) FROM budget_alerts", 3);
        awaitSinkCaughtUp(); // every record consumed and committed: nothing left that could add a row
        assertThat(
                        query(
                                "SELECT count(*) || '|' || count(DISTINCT event_id) || '|' || sum(total_cost_usd) FROM agent_usage"))
                .isEqualTo("20000|20000|" + expectedSum.toPlainString());
        assertThat(query("SELECT string_agg(threshold::text, ',' ORDER BY threshold) FROM budget_alerts"))
                .isEqualTo("0.5,0.8,1.0");
        assertThat(query("SELECT sum(events) FROM daily_cost_by_user")).isEqualTo("20000");
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheReasonAndTheRestIsStored() throws Exception {
        PricedUsage good = Samples.simple("good-1", DAY, "u", new BigDecimal("0.5"));
        PricedUsage beyondPostgres =
                Samples.simple("far-future", Instant.parse("+300000-01-01T00:00:00Z"), "u", BigDecimal.ONE);
        String noCost = new String(
                        ContractJson.toBytes(Samples.simple("no-cost", DAY, "u", BigDecimal.ONE)),
                        StandardCharsets.UTF_8)
                .replaceAll(",\"cost\":\\{[^}]*\\}", "");
        send(List.of(
                new ProducerRecord<>(pricedTopic, "k1", "not json at all".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(pricedTopic, "k2", noCost.getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(pricedTopic, "k3", ContractJson.toBytes(beyondPostgres)),
                new ProducerRecord<>(alertsTopic, "k4", "{\"alertId\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(pricedTopic, "k5", ContractJson.toBytes(good))));

        Map<String, String> reasons = readDeadLetters(4);
        assertThat(reasons.get("k1")).startsWith("not a valid PricedUsage JSON document: Unrecognized token 'not'");
        assertThat(reasons.get("k2"))
                .isEqualTo(
                        "PricedUsage lacks required field(s): cost (inputUsd, outputUsd, cacheReadUsd, cacheWriteUsd, totalUsd)");
        assertThat(reasons.get("k3")).startsWith("Postgres refused the row (SQLState 22008)");
        assertThat(reasons.get("k4"))
                .isEqualTo(
                        "BudgetAlert lacks required field(s): scope, period, windowStart, threshold, level, spendUsd/limitUsd, raisedAt");
        awaitCount("SELECT count(*) FROM agent_usage", 1);
        assertThat(query("SELECT event_id || ' ' || total_cost_usd FROM agent_usage"))
                .isEqualTo("good-1 0.5");
        assertThat(connect.status("sink").tasks()).allMatch(t -> t.state().equals("RUNNING"));
    }

    /**
     * Hostile input at the sink: the generated hostile documents as priced records (with a cost, and
     * every fourth with a hostile cost), interleaved with valid ones. Every record is stored or
     * dead-lettered, none twice, the valid ones with their exact cost, and the task keeps running.
     */
    @Test
    void hostileRecordsAreStoredOrDeadLetteredOneByOneAndTheValidOnesLandExactly() throws Exception {
        long seed = HostileDocuments.seed();
        HostileDocuments documents = new HostileDocuments(seed);
        List<String> hostileCosts = List.of("1e10000", "1e-999999999", "-1", "99999999999999999999", "0.5");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        BigDecimal validSum = BigDecimal.ZERO;
        int valid = 0;
        List<HostileDocuments.Document> hostile = documents.next(400);
        for (int i = 0; i < hostile.size(); i++) {
            String cost = i % 4 == 0 ? hostileCosts.get(i / 4 % hostileCosts.size()) : "0.001";
            records.add(new ProducerRecord<>(
                    pricedTopic, "h" + i, priced(hostile.get(i).json(), "\"" + cost + "\"")));
            ObjectNode good = documents.validEvent();
            good.put("eventId", "good-" + i); // the hostile list holds valid documents too (v-…): these are apart
            BigDecimal goodCost = HostileDocuments.gpt4oCost(
                    good.at("/usage/inputTokens").asLong(),
                    good.at("/usage/outputTokens").asLong());
            records.add(new ProducerRecord<>(
                    pricedTopic, "v" + i, priced(good.toString(), "\"" + goodCost.toPlainString() + "\"")));
            validSum = validSum.add(goodCost);
            valid++;
        }
        send(records);

        awaitCount("SELECT count(*) FROM agent_usage WHERE event_id LIKE 'good-%'", valid);
        awaitSinkCaughtUp();
        long stored = Long.parseLong(query("SELECT count(*) FROM agent_usage WHERE event_id NOT LIKE 'good-%'"));
        long deadLettered = TopicReader.readToEnd(kafka.bootstrapServers(), dlqTopic, Duration.ofSeconds(30))
                .size();
        System.out.println("hostile input at the sink (seed " + seed + "): of " + hostile.size() + " hostile records "
                + stored + " stored, " + deadLettered + " dead-lettered; " + valid + " valid records stored exactly");
        assertThat(query("SELECT sum(total_cost_usd) FROM agent_usage WHERE event_id LIKE 'good-%'"))
                .isEqualTo(validSum.toPlainString());
        assertThat(stored + deadLettered)
                .as("every hostile record stored or dead-lettered, once")
                .isLessThanOrEqualTo(hostile.size())
                .isGreaterThanOrEqualTo(hostile.size() - duplicateIds(hostile));
        assertThat(connect.status("sink").tasks()).allMatch(t -> t.state().equals("RUNNING"));
    }

    /** Hostile documents that share an eventId with an earlier one (a conflict, stored once). */
    private static int duplicateIds(List<HostileDocuments.Document> docs) {
        Set<String> ids = new HashSet<>();
        int duplicates = 0;
        for (HostileDocuments.Document d : docs) {
            try {
                String id =
                        ContractJson.mapper().readTree(d.json()).path("eventId").asText(null);
                if (id != null && !ids.add(id)) {
                    duplicates++;
                }
            } catch (IOException | RuntimeException e) {
                // not JSON (or a number Jackson cannot hold): dead-lettered, no id
            }
        }
        return duplicates;
    }

    /** A document with the pricing and cost the processor adds (cost as given, a JSON value). */
    private static byte[] priced(String event, String totalUsd) {
        int close = event.lastIndexOf('}');
        if (close < 0) {
            return event.getBytes(StandardCharsets.UTF_8);
        }
        String pricing = ",\"pricing\":{\"modelKey\":\"gpt-4o\",\"company\":\"OpenAI\",\"source\":\"catalog\","
                + "\"longContext\":false,\"currency\":\"USD\"},\"cost\":{\"inputUsd\":\"0\",\"outputUsd\":\"0\","
                + "\"cacheReadUsd\":\"0\",\"cacheWriteUsd\":\"0\",\"totalUsd\":" + totalUsd + ",\"catalogUsd\":"
                + totalUsd + "},\"pricedAt\":\"2026-12-07T08:00:01Z\",\"truncated\":false";
        return (event.substring(0, close) + pricing + event.substring(close)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void postgresStoppedAndRestartedMidRunLosesAndDoublesNothing() throws Exception {
        send(batch(0, 3000));
        awaitCount("SELECT count(*) FROM agent_usage", 3000);

        double retriesBefore = retries();
        pg.stopServer();
        send(batch(3000, 6000));
        awaitRetries(retriesBefore + 2); // the task has met the dead database and is backing off
        pg.startServer();
        send(batch(6000, 9000));

        awaitCount("SELECT count(*) FROM agent_usage", 9000);
        awaitSinkCaughtUp();
        assertThat(
                        query(
                                "SELECT count(*) || '|' || count(DISTINCT event_id) || '|' || sum(total_cost_usd) FROM agent_usage"))
                .isEqualTo("9000|9000|9.000");
        assertThat(connect.status("sink").tasks()).allMatch(t -> t.state().equals("RUNNING"));
    }

    private List<ProducerRecord<String, byte[]>> batch(int from, int to) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            PricedUsage priced =
                    Samples.simple("evt-" + i, DAY.plusSeconds(i), "u" + (i % 10), new BigDecimal("0.001"));
            records.add(new ProducerRecord<>(pricedTopic, priced.event().eventId(), ContractJson.toBytes(priced)));
        }
        return records;
    }

    private void send(List<ProducerRecord<String, byte[]>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            Sends.all(producer, records);
        }
    }

    private Map<String, String> readDeadLetters(int expected) {
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.await(
                kafka.bootstrapServers(), dlqTopic, expected, Duration.ofSeconds(60), Duration.ZERO)) {
            Header reason = record.headers().lastHeader("__connect.errors.exception.message");
            reasons.put(record.key(), reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
        }
        assertThat(reasons).hasSize(expected);
        return reasons;
    }

    private void awaitCount(String sql, long expected) throws InterruptedException {
        PostgresExtension.awaitCount(url, sql, expected, Duration.ofMinutes(2));
    }

    /** Connect names a sink's consumer group connect-NAME; caught up = all input consumed and committed. */
    private void awaitSinkCaughtUp() throws InterruptedException {
        kafka.awaitCaughtUp("connect-sink", Duration.ofSeconds(60), pricedTopic, alertsTopic);
    }

    /** The sink task's retry counter (Micrometer's global registry: the task runs in this JVM). */
    private static double retries() {
        Counter c = Metrics.globalRegistry.find("agentmeter.sink.retries").counter();
        return c == null ? 0 : c.count();
    }

    private static void awaitRetries(double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (retries() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sink did not retry against the stopped database within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
