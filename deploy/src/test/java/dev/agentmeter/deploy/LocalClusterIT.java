package dev.agentmeter.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.embedded.ChaosTraffic;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault test of issue 21 on {@code deploy/local}: 3 broker JVMs, Debian's PostgreSQL, 2 Connect
 * workers in distributed mode and 2 processor instances, all separate OS processes started by
 * {@code cluster.sh}. Traffic goes through the producer client in chunks; while it flows one broker,
 * one processor and one Connect worker are SIGKILLed and then restarted. Afterwards: rows = distinct
 * valid events, {@code sum(total_cost_usd)} = the oracle, every expected alert exactly once, the
 * spend API answers the same from both instances, and no output topic holds a duplicate
 * (read committed). Each fault's cost is printed as the time the chunk sent right after the kill
 * took to land in PostgreSQL, beside the same figure for a chunk sent with no fault.
 */
class LocalClusterIT {

    static final Path DEPLOY = Path.of(System.getProperty("user.dir"));
    static final Path SCRIPT = DEPLOY.resolve("local/cluster.sh");
    static final Path RUN = DEPLOY.resolve("target/local-cluster");
    static final int BASE = 29000;
    static final String BOOTSTRAP =
            "localhost:" + (BASE + 91) + ",localhost:" + (BASE + 92) + ",localhost:" + (BASE + 93);
    static final String PG_URL = "jdbc:postgresql://localhost:" + (BASE + 32) + "/agentmeter?user=postgres";
    static final List<String> PROCESSORS =
            List.of("http://localhost:" + (BASE + 71), "http://localhost:" + (BASE + 72));
    static final int VALID = Integer.getInteger("local.cluster.events", 6_000);
    static final int CHUNKS = 7;
    static final Duration DRAIN = Duration.ofMinutes(3);

    @BeforeAll
    static void up() throws Exception {
        cluster(Duration.ofMinutes(2), "down", "--purge");
        cluster(Duration.ofMinutes(8), "up");
    }

    @AfterAll
    static void down() throws Exception {
        cluster(Duration.ofMinutes(3), "down");
    }

    @Test
    void killingABrokerAProcessorAndAConnectWorkerLosesNothingAndCountsNothingTwice() throws Exception {
        ChaosTraffic traffic = new ChaosTraffic(VALID, 20261202L, Instant.now().minus(Duration.ofMinutes(5)));
        Map<String, BigDecimal> limits =
                Map.of("u0", new BigDecimal("1.00"), "u1", traffic.limitCrossingHalfOnly("u1"));
        try (KafkaProducer<String, byte[]> raw = producer("budgets")) {
            for (Map.Entry<String, BigDecimal> l : limits.entrySet()) {
                Budget b = new Budget(Scope.parse("user:" + l.getKey()), Map.of(Period.DAY, l.getValue()), null);
                raw.send(new ProducerRecord<>(Topics.BUDGETS, b.scope().toString(), ContractJson.toBytes(b)))
                        .get();
            }
        }
        Thread.sleep(2000); // the budgets reach the processors' global table before the first event

        List<List<ChaosTraffic.Raw>> chunks = chunks(traffic.records);
        Set<String> sent = new HashSet<>();
        Map<String, String> figures = new LinkedHashMap<>();
        Path spool = Files.createDirectories(RUN.resolve("client-spool"));
        try (UsageTracker tracker = UsageTracker.builder()
                        .bootstrapServers(BOOTSTRAP)
                        .kafka(credentials("collector"))
                        .spoolDirectory(spool)
                        .build();
                KafkaProducer<String, byte[]> raw = producer("collector")) {
            for (int i = 0; i < chunks.size(); i++) {
                String fault = switch (i) {
                    case 1 -> "broker-2";
                    case 3 -> "processor-1";
                    case 5 -> "connect-1";
                    default -> null;
                };
                if (fault != null) {
                    cluster(Duration.ofMinutes(1), "kill", fault);
                }
                long t0 = System.nanoTime();
                Sends raws = Sends.of(raw);
                for (ChaosTraffic.Raw r : chunks.get(i)) {
                    if (r.event() != null) {
                        tracker.track(r.event()); // a redelivery is the same event tracked again
                        sent.add(r.event().eventId());
                    } else {
                        raws.add(raw.send(new ProducerRecord<>(Topics.USAGE_RAW, r.key(), r.value())));
                    }
                }
                raws.await();
                awaitRows(sent.size());
                long landedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                figures.put(
                        "chunk " + i + (fault == null ? " (no fault)" : " (" + fault + " killed)"), landedMs + " ms");
                if (fault != null) {
                    long r0 = System.nanoTime();
                    cluster(Duration.ofMinutes(4), "start", fault);
                    figures.put(
                            fault + " restart to ready", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0) + " ms");
                }
            }
            assertThat(tracker.flush(Duration.ofSeconds(60))).isTrue();
        }

        Set<String> expectedAlerts = traffic.expectedAlerts(limits);
        awaitCount("SELECT count(*) FROM budget_alerts", expectedAlerts.size());
        try (Connection c = DriverManager.getConnection(PG_URL)) {
            traffic.assertLedger(c, expectedAlerts);
        }

        List<String> pricedIds =
                TopicReader.readToEnd(BOOTSTRAP, credentials("admin"), Topics.USAGE_PRICED, Duration.ofSeconds(90))
                        .stream()
                        .map(r -> ContractJson.fromBytes(r.value(), PricedUsage.class)
                                .event()
                                .eventId())
                        .toList();
        assertThat(pricedIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(traffic.validIds);
        List<String> alertIds =
                TopicReader.readToEnd(BOOTSTRAP, credentials("admin"), Topics.BUDGET_ALERTS, Duration.ofSeconds(60))
                        .stream()
                        .map(r -> ContractJson.fromBytes(r.value(), BudgetAlert.class)
                                .alertId())
                        .toList();
        assertThat(alertIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(TopicReader.readToEnd(
                        BOOTSTRAP, credentials("admin"), Topics.USAGE_REJECTED, Duration.ofSeconds(60)))
                .hasSize(traffic.malformed);

        String at = traffic.records.get(0).event() != null
                ? traffic.records.get(0).event().timestamp().toString()
                : Instant.now().toString();
        for (int u = 0; u < ChaosTraffic.USERS; u++) {
            String path = "/v1/spend/user/u" + u + "?period=DAY&at=" + at;
            JsonNode first = get(PROCESSORS.get(0) + path);
            JsonNode second = get(PROCESSORS.get(1) + path);
            assertThat(second).as(path).isEqualTo(first);
        }

        System.out.printf(
                "local cluster: %d valid events, %d redeliveries, %d malformed, %d alerts, total $%s, exact%n",
                traffic.validIds.size(),
                traffic.duplicates,
                traffic.malformed,
                expectedAlerts.size(),
                traffic.expectedTotal.toPlainString());
        figures.forEach((k, v) -> System.out.printf("local cluster: %-34s %s%n", k, v));
    }

    @Test
    void pricesCannotBeWrittenWithoutCredentialsOrWithTheCollectorsOrAWrongPassword() throws Exception {
        Map<String, Object> wrongPassword = new LinkedHashMap<>(credentials("collector"));
        wrongPassword.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"prices\" password=\"guessed\";");
        Map<String, Object> none = Map.of(); // PLAINTEXT against a SASL listener: the handshake never completes

        assertThat(refusal(credentials("collector"))).isInstanceOf(TopicAuthorizationException.class);
        assertThat(refusal(wrongPassword)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(refusal(none)).isInstanceOf(TimeoutException.class);
        try (KafkaProducer<String, byte[]> prices = producer("prices")) {
            prices.send(new ProducerRecord<>(Topics.PRICES, "allowed-probe", null))
                    .get(60, TimeUnit.SECONDS);
        }
        List<String> keys =
                TopicReader.readToEnd(BOOTSTRAP, credentials("admin"), Topics.PRICES, Duration.ofSeconds(60)).stream()
                        .map(r -> r.key())
                        .toList();
        assertThat(keys)
                .as("the prices user's tombstone landed, no intruder's record")
                .contains("allowed-probe")
                .doesNotContain("intruder");
    }

    /** What refused an attempt to publish a price for model "intruder" with {@code security}. */
    static Throwable refusal(Map<String, Object> security) throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>(security);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, byte[]> p = producer(settings)) {
            p.send(new ProducerRecord<>(Topics.PRICES, "intruder", "{\"modelKey\":\"intruder\"}".getBytes(UTF_8)))
                    .get(60, TimeUnit.SECONDS);
            throw new AssertionError(
                    "the broker took a price from " + security.getOrDefault("sasl.jaas.config", "nobody"));
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (KafkaException e) {
            return e;
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    static void cluster(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Files.createDirectories(RUN);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        RUN.resolve("cluster-sh.log").toFile()));
        pb.environment().put("AGENTMETER_LOCAL_DIR", RUN.resolve("run").toString());
        pb.environment().put("AGENTMETER_LOCAL_PORT_BASE", Integer.toString(BASE));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cluster.sh " + String.join(" ", args) + " took over " + timeout + "; see "
                    + RUN.resolve("cluster-sh.log"));
        }
        assertThat(p.exitValue())
                .as("cluster.sh " + String.join(" ", args) + "; see " + RUN.resolve("cluster-sh.log") + " and "
                        + RUN.resolve("run/logs"))
                .isZero();
    }

    /** The Kafka security settings cluster.sh made for {@code user}. */
    static Map<String, Object> credentials(String user) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(RUN.resolve("run/credentials/" + user + ".properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    static KafkaProducer<String, byte[]> producer(String user) {
        return producer(credentials(user));
    }

    /** A producer with {@code settings} (security, timeouts) over the defaults. */
    static KafkaProducer<String, byte[]> producer(Map<String, Object> settings) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.putAll(settings);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static List<List<ChaosTraffic.Raw>> chunks(List<ChaosTraffic.Raw> all) {
        List<List<ChaosTraffic.Raw>> chunks = new ArrayList<>();
        int size = (all.size() + CHUNKS - 1) / CHUNKS;
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    static void awaitRows(int distinct) throws Exception {
        awaitCount("SELECT count(*) FROM agent_usage", distinct);
    }

    static void awaitCount(String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(PG_URL);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                last = rs.getLong(1);
                if (last >= expected) {
                    assertThat(last).as(sql).isEqualTo(expected);
                    return;
                }
            } catch (SQLException e) {
                // the sink creates the tables on its first start
            }
            Thread.sleep(200);
        }
        throw new AssertionError(sql + " = " + last + ", expected " + expected + " within " + DRAIN);
    }

    static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }
}
