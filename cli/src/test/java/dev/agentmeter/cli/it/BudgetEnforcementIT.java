package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.notifier.Alertmanagers;
import dev.agentmeter.notifier.Hooks;
import dev.agentmeter.notifier.NotifierApp;
import dev.agentmeter.notifier.NotifierConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Budgets that agents act on, end to end: the processor publishes budget status, the producer
 * client follows it, {@code allows()} turns false once a budget is exceeded and true again when it
 * is raised (the alerts RESOLVED, stored in Postgres). gpt-4o input costs $2.50 per million
 * tokens: 100,000 input tokens cost $0.25.
 */
class BudgetEnforcementIT {

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("budget_it");

    static UsageTracker tracker;

    @BeforeAll
    static void up() throws Exception {
        tracker = UsageTracker.builder()
                .bootstrapServers(pipeline.bootstrapServers())
                .agent("enforcer")
                .spoolDirectory(pipeline.data().resolve("spool"))
                .budgetStatus(true)
                .build();
    }

    @AfterAll
    static void down() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private static void budget(String scope, String dayLimit) {
        Budget b = new Budget(Scope.parse(scope), Map.of(Period.DAY, new BigDecimal(dayLimit)), null);
        KafkaIo.publish(pipeline.bootstrapServers(), Topics.BUDGETS, scope, ContractJson.toBytes(b));
    }

    private static String quarterDollar(String user) {
        return tracker.track(UsageEvent.builder()
                .model("gpt-4o")
                .usage(Usage.of(100_000, 0))
                .userId(user)
                .build());
    }

    @Test
    void allowsTurnsFalseOnceTheBudgetIsExceededAndTrueAgainWhenItIsRaised() throws Exception {
        budget("user:ivy", "1.00");
        await(
                "ivy's budget status",
                () -> tracker.budget("user:ivy", Period.DAY).isPresent());
        assertThat(tracker.allows("user:ivy", "team:none")).isTrue();

        for (int i = 0; i < 4; i++) {
            quarterDollar("ivy");
        }
        await("allows() false", () -> !tracker.allows("user:ivy"));
        BudgetStatus s = tracker.budget("user:ivy", Period.DAY).orElseThrow();
        assertThat(s.spendUsd().toPlainString()).isEqualTo("1");
        assertThat(s.limitUsd().toPlainString()).isEqualTo("1.00");
        assertThat(s.usedRatio().toPlainString()).isEqualTo("1");
        assertThat(s.level()).isEqualTo(BudgetStatus.Level.EXCEEDED);
        assertThat(tracker.allows("user:someone-else")).isTrue();
        await(
                "the collector's answer for agents in any language",
                () -> collectorBudget("user:ivy").contains("\"allows\":false"));
        assertThat(collectorBudget("user:ivy"))
                .contains("\"scope\":\"user:ivy\",\"period\":\"DAY\"")
                .contains("\"usedRatio\":\"1\",\"level\":\"EXCEEDED\"");

        budget("user:ivy", "10");
        await("allows() true again", () -> tracker.allows("user:ivy"));
        await(
                "three RESOLVED alerts in Postgres",
                () -> "3"
                        .equals(pipeline.sql(
                                "SELECT count(*) FROM budget_alerts WHERE scope = 'user:ivy' AND level = 'RESOLVED'")));
        assertThat(pipeline.sql("SELECT string_agg(right(alert_id, 13), ',' ORDER BY alert_id) FROM budget_alerts"
                        + " WHERE scope = 'user:ivy' AND level = 'RESOLVED'"))
                .isEqualTo("|0.5|resolved,|0.8|resolved,|1.0|resolved");
    }

    /**
     * Not an assertion on time (tests that time things fail on slow machines): the figures from
     * event to the client seeing EXCEEDED, printed for the client README.
     */
    @Test
    void measuresHowLongAnEventTakesToFlipAllows() throws Exception {
        int trials = 20;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            users.add("stale-" + i);
            budget("user:stale-" + i, "0.25");
        }
        await(
                "every trial's status",
                () -> users.stream()
                        .allMatch(u -> tracker.budget("user:" + u, Period.DAY).isPresent()));
        List<Long> millis = new ArrayList<>();
        for (String u : users) {
            long start = System.nanoTime();
            quarterDollar(u);
            await("allows() false for " + u, () -> !tracker.allows("user:" + u));
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        Collections.sort(millis);
        System.out.printf(
                "budget staleness, track() to allows() == false, %d trials: p50 %d ms, p99 %d ms, max %d ms%n",
                trials, millis.get(trials / 2), millis.get((int) Math.ceil(trials * 0.99) - 1), millis.get(trials - 1));
        assertThat(millis).hasSize(trials);
    }

    private static String collectorBudget(String scope) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/budget?scope=" + scope))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Alertmanager's notifications (status, alert count, level) about one scope, as its webhook receiver got them. */
    private static List<String> notifications(Hooks receiver, String scope) {
        List<String> out = new ArrayList<>();
        for (Hooks.Request r : receiver.requests) {
            var n = ContractJson.fromBytes(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (scope.equals(n.path("groupLabels").path("scope").asText())) {
                out.add(n.path("status").asText() + " " + n.path("alerts").size() + " "
                        + n.path("alerts").get(0).path("labels").path("level").asText());
            }
        }
        return out;
    }

    @Test
    void aCrossedBudgetReachesAlertmanagerOnceAndRaisingItResolvesTheAlert() throws Exception {
        String scope = "team:am-" + UUID.randomUUID().toString().substring(0, 8);
        try (Hooks receiver = new Hooks(n -> 200);
                Alertmanagers alertmanager = Alertmanagers.start(
                        Files.createDirectories(pipeline.data().resolve("alertmanager")),
                        FreePorts.next(),
                        receiver.url("/am"));
                NotifierApp notifier = new NotifierApp(NotifierConfig.of(Map.of(
                                NotifierConfig.BOOTSTRAP_SERVERS,
                                pipeline.bootstrapServers(),
                                NotifierConfig.ALERTMANAGER_URLS,
                                alertmanager.url,
                                NotifierConfig.ALERTMANAGER_RESEND_INTERVAL,
                                "PT0.5S",
                                NotifierConfig.HTTP_PORT,
                                "0")))
                        .start()) {
            Budget tight = new Budget(
                    Scope.parse(scope), Map.of(Period.DAY, new BigDecimal("0.001")), List.of(BigDecimal.ONE));
            KafkaIo.publish(pipeline.bootstrapServers(), Topics.BUDGETS, scope, ContractJson.toBytes(tight));
            String team = scope.substring("team:".length());
            // Until the processor has the budget, a call does not cross it: one call a second until one does.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (notifications(receiver, scope).isEmpty() && System.nanoTime() < deadline) {
                tracker.track(UsageEvent.builder()
                        .model("gpt-4o")
                        .usage(Usage.of(1000, 100))
                        .teamId(team)
                        .build());
                awaitFor(
                        Duration.ofSeconds(1),
                        () -> !notifications(receiver, scope).isEmpty());
            }
            // The alert is re-posted every 0.5 s meanwhile: Alertmanager must not notify again.
            holds(Duration.ofSeconds(4), () -> notifications(receiver, scope), List.of("firing 1 EXCEEDED"));

            Budget raised =
                    new Budget(Scope.parse(scope), Map.of(Period.DAY, new BigDecimal("100")), List.of(BigDecimal.ONE));
            KafkaIo.publish(pipeline.bootstrapServers(), Topics.BUDGETS, scope, ContractJson.toBytes(raised));
            await(
                    "the resolved notification",
                    () -> notifications(receiver, scope).size() == 2);

            holds(
                    Duration.ofSeconds(3),
                    () -> notifications(receiver, scope),
                    List.of("firing 1 EXCEEDED", "resolved 1 EXCEEDED"));
        }
    }

    /** Polls until {@code within} is over or {@code condition} holds; returns which. */
    private static boolean awaitFor(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return condition.getAsBoolean();
    }

    /** Polls for {@code within}, failing as soon as {@code value} is not {@code expected}: "and nothing more came". */
    private static <T> void holds(Duration within, Supplier<T> value, T expected) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            assertThat(value.get()).isEqualTo(expected);
            LockSupport.parkNanos(50_000_000);
        } while (System.nanoTime() < deadline);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(5_000_000);
        }
        throw new AssertionError("not within 60 s: " + what);
    }
}
