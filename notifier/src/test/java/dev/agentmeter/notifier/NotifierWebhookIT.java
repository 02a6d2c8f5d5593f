package dev.agentmeter.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.TopicAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhooks on a real broker: retries with one idempotency key, a signature, dead letters after the last attempt. */
class NotifierWebhookIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    static final byte[] KEY = "signing-key".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void topics() {
        TopicAdmin.createTopics(
                kafka.bootstrapServers(),
                new NewTopic(Topics.BUDGET_ALERTS, 1, (short) 1),
                new NewTopic(NotifierConfig.DEFAULT_DEAD_LETTERS, 1, (short) 1));
    }

    static BudgetAlert alert(String scope) {
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
        return new BudgetAlert(
                BudgetAlert.alertId(Scope.parse(scope), Period.DAY, day, BigDecimal.ONE),
                Scope.parse(scope),
                Period.DAY,
                day,
                day.plus(Duration.ofDays(1)),
                BigDecimal.ONE,
                AlertLevel.EXCEEDED,
                new BigDecimal("10.5"),
                new BigDecimal("10"),
                "evt-1",
                Instant.now());
    }

    static void publish(BudgetAlert a) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.BUDGET_ALERTS, a.scope().toString(), ContractJson.toBytes(a)))
                    .get();
        }
    }

    static NotifierApp notifier(String group, String routes) {
        return new NotifierApp(NotifierConfig.of(Map.of(
                        NotifierConfig.BOOTSTRAP_SERVERS,
                        kafka.bootstrapServers(),
                        NotifierConfig.GROUP_ID,
                        group,
                        NotifierConfig.WEBHOOK_ROUTES,
                        routes,
                        NotifierConfig.HTTP_PORT,
                        "0",
                        NotifierConfig.WEBHOOK_SIGNING_KEY,
                        "signing-key",
                        NotifierConfig.RETRY_MAX_ATTEMPTS,
                        "5",
                        NotifierConfig.RETRY_BACKOFF_INITIAL,
                        "PT0.05S",
                        NotifierConfig.RETRY_BACKOFF_MAX,
                        "PT0.2S")))
                .start();
    }

    static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        await(what, condition, Duration.ofSeconds(30));
    }

    static void await(String what, Supplier<Boolean> condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anEndpointThatFailsThreeTimesGetsTheAlertOnceWithOneIdempotencyKeyAndASignature() throws Exception {
        BudgetAlert a = alert("team:retry-" + UUID.randomUUID());
        try (Hooks hook = new Hooks(n -> n <= 3 ? 500 : 200);
                NotifierApp app = notifier("it-" + UUID.randomUUID(), a.scope() + "=json:" + hook.url("/json"))) {
            publish(a);
            await("four attempts", () -> hook.requests.size() >= 4);
            Thread.sleep(500); // nothing after the 200

            assertThat(hook.requests).hasSize(4);
            assertThat(hook.requests)
                    .extracting(r -> r.header(HttpTargets.IDEMPOTENCY_KEY))
                    .containsOnly(a.alertId());
            Hooks.Request last = hook.requests.get(3);
            assertThat(ContractJson.fromBytes(last.body().getBytes(StandardCharsets.UTF_8), BudgetAlert.class))
                    .isEqualTo(a);
            assertThat(last.header(HttpTargets.SIGNATURE))
                    .isEqualTo("sha256="
                            + HttpTargets.sign(
                                    KEY,
                                    last.header(HttpTargets.TIMESTAMP),
                                    last.body().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void anEndpointThatNeverAnswersWellPutsTheAlertOnTheDeadLetterTopicWithTheReason() throws Exception {
        BudgetAlert a = alert("team:dead-" + UUID.randomUUID());
        try (Hooks hook = new Hooks(n -> 503);
                NotifierApp app = notifier("it-" + UUID.randomUUID(), a.scope() + "=slack:" + hook.url("/slack"))) {
            publish(a);
            List<DeadLetter> dead = new ArrayList<>();
            await("a dead letter", () -> {
                dead.addAll(deadLetters(a.alertId()));
                return !dead.isEmpty();
            });

            assertThat(hook.requests).hasSize(5);
            assertThat(dead.get(0).target()).isEqualTo("webhook:" + a.scope());
            assertThat(dead.get(0).attempts()).isEqualTo(5);
            assertThat(dead.get(0).reason()).startsWith("webhook 127.0.0.1:").endsWith(" answered HTTP 503");
            assertThat(dead.get(0).alert()).isEqualTo(a);
        }
    }

    @Test
    void onlyTheRulesMatchingTheScopeGetTheAlert() throws Exception {
        BudgetAlert a = alert("team:support-" + UUID.randomUUID());
        try (Hooks team = new Hooks(n -> 200);
                Hooks other = new Hooks(n -> 200);
                Hooks all = new Hooks(n -> 200);
                NotifierApp app = notifier(
                        "it-" + UUID.randomUUID(),
                        "team:*=json:" + team.url("/t") + ",user:*=json:" + other.url("/u") + ",*=slack:"
                                + all.url("/a"))) {
            publish(a);
            // The group starts at the topic's beginning: the other tests' alerts come too; look at this one's.
            Supplier<List<Hooks.Request>> toTeam = () -> team.requests.stream()
                    .filter(r -> r.body().contains(a.scope().toString()))
                    .toList();
            Supplier<List<Hooks.Request>> toAll = () -> all.requests.stream()
                    .filter(r -> r.body().contains(a.scope().toString()))
                    .toList();
            await(
                    "both matching rules",
                    () -> toTeam.get().size() == 1 && toAll.get().size() == 1);

            assertThat(other.requests).isEmpty();
            assertThat(toAll.get().get(0).body())
                    .contains("\"text\":\":rotating_light: " + a.scope()
                            + " spent $10.50 of its $10.00 day budget (105.0 %)\"");
        }
    }

    @Test
    void aReplaySendsEachDeadLetterOnceTheEndpointIsBack() throws Exception {
        BudgetAlert a = alert("team:replay-" + UUID.randomUUID());
        String dlq = "it.dead-letters." + UUID.randomUUID();
        TopicAdmin.createTopics(kafka.bootstrapServers(), new NewTopic(dlq, 1, (short) 1));
        String group = "it-" + UUID.randomUUID();
        try (Hooks down = new Hooks(n -> 500);
                Hooks back = new Hooks(n -> 200)) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    NotifierConfig.BOOTSTRAP_SERVERS,
                    kafka.bootstrapServers(),
                    NotifierConfig.GROUP_ID,
                    group,
                    NotifierConfig.TOPIC_DEAD_LETTERS,
                    dlq,
                    NotifierConfig.HTTP_PORT,
                    "0",
                    NotifierConfig.RETRY_MAX_ATTEMPTS,
                    "2",
                    NotifierConfig.RETRY_BACKOFF_INITIAL,
                    "PT0.05S",
                    NotifierConfig.WEBHOOK_ROUTES,
                    a.scope() + "=json:" + down.url("/j")));
            try (NotifierApp app = new NotifierApp(NotifierConfig.of(settings)).start()) {
                publish(a);
                await("two failed attempts", () -> down.requests.size() == 2);
                Thread.sleep(1000); // the dead letter is written before the offset is committed
            }
            settings.put(NotifierConfig.WEBHOOK_ROUTES, a.scope() + "=json:" + back.url("/j"));
            StringWriter out = new StringWriter();

            Replay.Result first = Replay.run(NotifierConfig.of(settings), new PrintWriter(out), false);
            Replay.Result second = Replay.run(NotifierConfig.of(settings), new PrintWriter(out), false);

            assertThat(first).isEqualTo(new Replay.Result(1, 0, 0));
            assertThat(second).isEqualTo(new Replay.Result(0, 0, 0));
            assertThat(back.requests)
                    .extracting(r -> r.header(HttpTargets.IDEMPOTENCY_KEY))
                    .containsExactly(a.alertId());
        }
    }

    static List<DeadLetter> deadLetters(String alertId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(NotifierConfig.DEFAULT_DEAD_LETTERS));
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().equals(alertId)) {
                        out.add(ContractJson.fromBytes(r.value(), DeadLetter.class));
                    }
                });
            }
        }
        return out;
    }
}
