package dev.agentmeter.notifier;

import static dev.agentmeter.notifier.NotifierWebhookIT.alert;
import static dev.agentmeter.notifier.NotifierWebhookIT.await;
import static dev.agentmeter.notifier.NotifierWebhookIT.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.TopicAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Budget alerts through a real Alertmanager to its webhook receiver: one firing and one resolved notification per group. */
class NotifierAlertmanagerIT {

    @RegisterExtension
    static final KafkaExtension kafka = NotifierWebhookIT.kafka;

    @TempDir
    static Path dir;

    static Hooks receiver;
    static Alertmanagers alertmanager;

    @BeforeAll
    static void start() throws Exception {
        TopicAdmin.createTopics(
                kafka.bootstrapServers(),
                new NewTopic(Topics.BUDGET_ALERTS, 1, (short) 1),
                new NewTopic(NotifierConfig.DEFAULT_DEAD_LETTERS, 1, (short) 1));
        receiver = new Hooks(n -> 200);
        alertmanager = Alertmanagers.start(dir, FreePorts.next(), receiver.url("/am"));
    }

    @AfterAll
    static void stop() {
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** Alertmanager's notifications (status firing or resolved) about one scope. */
    static List<String> notifications(String scope) {
        List<String> out = new ArrayList<>();
        for (Hooks.Request r : receiver.requests) {
            JsonNode n = ContractJson.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (scope.equals(n.path("groupLabels").path("scope").asText())) {
                out.add(n.path("status").asText() + " " + n.path("alerts").size() + " "
                        + n.path("alerts")
                                .get(0)
                                .path("labels")
                                .path("alertname")
                                .asText() + " "
                        + n.path("alerts").get(0).path("labels").path("level").asText());
            }
        }
        return out;
    }

    static NotifierConfig config(String group, String extraRoutes) {
        return NotifierConfig.of(Map.of(
                NotifierConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                NotifierConfig.GROUP_ID,
                group,
                NotifierConfig.ALERTMANAGER_URLS,
                alertmanager.url,
                NotifierConfig.ALERTMANAGER_RESEND_INTERVAL,
                "PT0.5S",
                NotifierConfig.WEBHOOK_ROUTES,
                extraRoutes,
                NotifierConfig.HTTP_PORT,
                "0"));
    }

    @Test
    void anAlertFiresOnceThoughItIsResentAndItsResolvedAlertResolvesIt() throws Exception {
        BudgetAlert exceeded = alert("team:am-" + UUID.randomUUID());
        BudgetAlert resolved = new BudgetAlert(
                exceeded.alertId() + "|resolved",
                exceeded.scope(),
                exceeded.period(),
                exceeded.windowStart(),
                exceeded.windowEnd(),
                exceeded.threshold(),
                AlertLevel.RESOLVED,
                exceeded.spendUsd(),
                exceeded.limitUsd(),
                null,
                Instant.now());
        String scope = exceeded.scope().toString();
        try (NotifierApp app = new NotifierApp(config("it-" + UUID.randomUUID(), "")).start()) {
            publish(exceeded);
            await("a firing notification", () -> !notifications(scope).isEmpty());
            Thread.sleep(5000); // resent every 0.5 s meanwhile: Alertmanager must not notify again

            assertThat(notifications(scope)).containsExactly("firing 1 AgentmeterBudget EXCEEDED");

            publish(resolved);
            await("a resolved notification", () -> notifications(scope).size() == 2);
            Thread.sleep(3000);

            assertThat(notifications(scope))
                    .containsExactly("firing 1 AgentmeterBudget EXCEEDED", "resolved 1 AgentmeterBudget EXCEEDED");
        }
    }

    @Test
    void aNotifierKilledBetweenReceivingAndCommittingDeliversAgainAndAlertmanagerNotifiesOnce() throws Exception {
        BudgetAlert a = alert("team:kill-" + UUID.randomUUID());
        String scope = a.scope().toString();
        CountDownLatch hold = new CountDownLatch(1);
        String group = "it-kill-" + UUID.randomUUID();
        // The webhook holds its first request: the notifier has posted to Alertmanager and waits there, uncommitted.
        try (Hooks hook = new Hooks(n -> {
            if (n == 1) {
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        })) {
            String routes = scope + "=json:" + hook.url("/json");
            Process first = child(group, routes);
            try {
                publish(a);
                await(
                        "the webhook holds the first delivery",
                        () -> hook.requests.size() == 1 && !notifications(scope).isEmpty());
            } finally {
                first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit
                hold.countDown();
            }
            Process second = child(group, routes);
            try {
                await("delivered again after the restart", () -> hook.requests.size() >= 2, Duration.ofSeconds(60));
                Thread.sleep(4000);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }

            assertThat(hook.requests)
                    .extracting(r -> r.header(HttpTargets.IDEMPOTENCY_KEY))
                    .containsOnly(a.alertId());
            assertThat(notifications(scope)).containsExactly("firing 1 AgentmeterBudget EXCEEDED");
        }
    }

    private Process child(String group, String routes) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                NotifierMain.class.getName()));
        Map<String, String> env = pb.environment();
        env.put("AGENTMETER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("AGENTMETER_GROUP_ID", group);
        env.put("AGENTMETER_ALERTMANAGER_URLS", alertmanager.url);
        env.put("AGENTMETER_WEBHOOK_ROUTES", routes);
        env.put("AGENTMETER_HTTP_PORT", "0");
        env.put("AGENTMETER_REQUEST_TIMEOUT", "PT90S");
        // The killed member holds its partitions until the group gives it up: the broker's shortest session.
        env.put("AGENTMETER_KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("AGENTMETER_KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        pb.redirectErrorStream(true)
                .redirectOutput(
                        dir.resolve("notifier-" + UUID.randomUUID() + ".log").toFile());
        return pb.start();
    }
}
