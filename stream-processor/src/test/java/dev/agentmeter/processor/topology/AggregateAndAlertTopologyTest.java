package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.T0;
import static dev.agentmeter.processor.topology.TopologyFixture.costing;
import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Usage;
import dev.agentmeter.processor.aggregate.ScopeInput;
import dev.agentmeter.processor.aggregate.SpendAggregate;
import dev.agentmeter.processor.aggregate.SpendDelta;
import dev.agentmeter.processor.aggregate.SpendStores;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Windows, budgets and alerts; gpt-4o input costs exactly $2.50 per million tokens. */
class AggregateAndAlertTopologyTest {

    private TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private void restartWith(Map<String, String> overrides) {
        t.close();
        t = new TopologyFixture(overrides);
    }

    private void budget(String scope, String period, String limit) {
        Budget b = new Budget(Scope.parse(scope), Map.of(Period.valueOf(period), new BigDecimal(limit)), null);
        t.budgets.pipeInput(scope, b);
    }

    private SpendAggregate spend(Period period, Instant windowStart, String scope) {
        KeyValueStore<String, SpendAggregate> store = t.driver.getKeyValueStore(SpendStores.DEFAULT.spend());
        return store.get(SpendStores.key(period, windowStart, Scope.parse(scope)));
    }

    private List<String> alertIds() {
        return t.alerts.readValuesToList().stream().map(BudgetAlert::alertId).toList();
    }

    @Test
    void crossingHalfTheBudgetRaisesOneWarning() {
        budget("user:alice", "DAY", "10.00");
        t.send(costing("e1", "2.5", T0));
        t.send(costing("e2", "2.5", T0));

        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised).hasSize(1);
        BudgetAlert a = raised.get(0);
        assertThat(a.alertId()).isEqualTo("user:alice|DAY|2026-11-22T00:00:00Z|0.5");
        assertThat(a.scope()).isEqualTo(Scope.parse("user:alice"));
        assertThat(a.level()).isEqualTo(AlertLevel.WARNING);
        assertThat(a.spendUsd().toPlainString()).isEqualTo("5");
        assertThat(a.limitUsd().toPlainString()).isEqualTo("10.00");
        assertThat(a.windowStart()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(a.windowEnd()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(a.triggeringEventId()).isEqualTo("e2");
        assertThat(t.metrics.count("agentmeter.processor.alerts", "level", "WARNING"))
                .isEqualTo(1.0);
    }

    @Test
    void crossingThreeThresholdsInOneEventRaisesThreeAlerts() {
        budget("user:alice", "DAY", "10");
        t.send(costing("e1", "12.5", T0));

        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised)
                .extracting(BudgetAlert::alertId)
                .containsExactly(
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.5",
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.8",
                        "user:alice|DAY|2026-11-22T00:00:00Z|1.0");
        assertThat(raised)
                .extracting(BudgetAlert::level)
                .containsExactly(AlertLevel.WARNING, AlertLevel.WARNING, AlertLevel.EXCEEDED);
        assertThat(raised).extracting(a -> a.spendUsd().toPlainString()).containsOnly("12.5");
    }

    @Test
    void aDuplicateEventNeverRaisesAnAlertAgain() {
        budget("user:alice", "DAY", "10");
        t.send(costing("e1", "6", T0));
        t.send(costing("e1", "6", T0));
        t.send(costing("e2", "1", T0));

        assertThat(alertIds()).containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5");
        assertThat(spend(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), "user:alice")
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("7");
    }

    @Test
    void loweringABudgetBelowCurrentSpendAlertsAtOnceWithoutRepeatingEarlierAlerts() {
        budget("user:alice", "DAY", "10");
        t.send(costing("e1", "5", T0));
        assertThat(alertIds()).containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5");

        budget("user:alice", "DAY", "5");

        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised)
                .extracting(BudgetAlert::alertId)
                .containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.8", "user:alice|DAY|2026-11-22T00:00:00Z|1.0");
        assertThat(raised).extracting(a -> a.limitUsd().toPlainString()).containsOnly("5");
        assertThat(raised).extracting(BudgetAlert::triggeringEventId).containsOnlyNulls();
    }

    @Test
    void creatingABudgetBelowCurrentSpendAlerts() {
        t.send(costing("e1", "9", T0));
        assertThat(t.alerts.isEmpty()).isTrue();

        budget("team:support", "MONTH", "10");

        assertThat(alertIds())
                .containsExactly(
                        "team:support|MONTH|2026-11-01T00:00:00Z|0.5", "team:support|MONTH|2026-11-01T00:00:00Z|0.8");
    }

    @Test
    void configuredDefaultBudgetsApplyToScopesWithoutTheirOwn() {
        restartWith(Map.of("budget.default.user.DAY", "1", "budget.default.agent.HOUR", "100"));
        t.send(costing("e1", "1", T0));

        assertThat(alertIds())
                .containsExactly(
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.5",
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.8",
                        "user:alice|DAY|2026-11-22T00:00:00Z|1.0");
    }

    @Test
    void spendIsAggregatedPerScopeWithTokensEventsAndErrors() {
        t.send(event("e1", "gpt-4o", 1000, 100).toBuilder()
                .usage(new Usage(1000, 100, 200, 300, 0, 40, false))
                .build());
        t.send(event("e2", "gpt-4o", 400_000, 0).toBuilder()
                .userId("bob")
                .call(new Call("generate", "error", 10L, "error", "timeout", null))
                .build());

        Instant day = Instant.parse("2026-11-22T00:00:00Z");
        SpendAggregate global = spend(Period.DAY, day, "global:*");
        // e1: 500×2.5 + 200×1.25 + 300×2.5 + 100×10 per million = 0.00325; e2: 1
        assertThat(global.spendUsd().toPlainString()).isEqualTo("1.00325");
        assertThat(List.of(
                        global.events(),
                        global.inputTokens(),
                        global.outputTokens(),
                        global.cacheReadTokens(),
                        global.cacheWriteTokens(),
                        global.reasoningTokens(),
                        global.errors()))
                .containsExactly(2L, 401_000L, 100L, 200L, 300L, 40L, 1L);
        assertThat(spend(Period.DAY, day, "user:alice").spendUsd().toPlainString())
                .isEqualTo("0.00325");
        assertThat(spend(Period.DAY, day, "user:bob").spendUsd().toPlainString())
                .isEqualTo("1");
        assertThat(spend(Period.HOUR, T0, "team:support").events()).isEqualTo(2);
        assertThat(spend(Period.MONTH, Instant.parse("2026-11-01T00:00:00Z"), "agent:triage")
                        .events())
                .isEqualTo(2);
        assertThat(spend(Period.DAY, day, "session:s1").events()).isEqualTo(2);
    }

    @Test
    void eventsEitherSideOfAMonthBoundaryLandInTheirOwnMonths() {
        t.send(costing("e1", "1", Instant.parse("2026-10-31T23:59:59.999Z")));
        t.send(costing("e2", "2", Instant.parse("2026-11-01T00:00:00Z")));

        assertThat(spend(Period.MONTH, Instant.parse("2026-10-01T00:00:00Z"), "global:*")
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("1");
        SpendAggregate november = spend(Period.MONTH, Instant.parse("2026-11-01T00:00:00Z"), "global:*");
        assertThat(november.spendUsd().toPlainString()).isEqualTo("2");
        assertThat(november.windowEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void berlinDaysAcrossDstChangesLast23And25Hours() {
        restartWith(Map.of("zone", "Europe/Berlin", "grace", "P400D"));
        t.send(costing("spring", "1", Instant.parse("2026-03-29T12:00:00Z")));
        t.send(costing("autumn", "1", Instant.parse("2026-10-25T22:30:00Z")));

        SpendAggregate spring = spend(Period.DAY, Instant.parse("2026-03-28T23:00:00Z"), "global:*");
        assertThat(Duration.between(spring.windowStart(), spring.windowEnd())).isEqualTo(Duration.ofHours(23));
        SpendAggregate autumn = spend(Period.DAY, Instant.parse("2026-10-24T22:00:00Z"), "global:*");
        assertThat(autumn.windowEnd()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
        assertThat(Duration.between(autumn.windowStart(), autumn.windowEnd())).isEqualTo(Duration.ofHours(25));
        assertThat(autumn.events()).isEqualTo(1);
    }

    @Test
    void lateEventsCountInOpenWindowsOnlyButAreStillPriced() {
        t.send(costing("now", "1", T0.plus(Duration.ofHours(5))));
        t.send(costing("within-day", "1", T0));
        t.send(costing("days-late", "1", T0.minus(Duration.ofDays(3))));

        assertThat(t.priced.readValuesToList()).hasSize(3);
        assertThat(spend(Period.HOUR, T0, "global:*")).isNull();
        assertThat(spend(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), "global:*")
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("2");
        assertThat(spend(Period.DAY, Instant.parse("2026-11-19T00:00:00Z"), "global:*"))
                .isNull();
        assertThat(spend(Period.MONTH, Instant.parse("2026-11-01T00:00:00Z"), "global:*")
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("3");
        assertThat(t.metrics.count("agentmeter.processor.late")).isEqualTo(2.0);
    }

    @Test
    void aSessionWindowClosesAfterInactivityAndAlertsPerWindow() {
        budget("session:s1", "SESSION", "2");
        t.send(costing("e1", "1", T0));
        t.send(costing("e2", "1", T0.plus(Duration.ofMinutes(29))));
        t.send(costing("e3", "1.5", T0.plus(Duration.ofMinutes(29 + 31))));

        KeyValueStore<String, SpendAggregate> store = t.driver.getKeyValueStore(SpendStores.DEFAULT.spend());
        SpendAggregate current = store.get(SpendStores.sessionKey(Scope.parse("session:s1")));
        assertThat(current.windowStart()).isEqualTo(T0.plus(Duration.ofMinutes(60)));
        assertThat(current.spendUsd().toPlainString()).isEqualTo("1.5");
        assertThat(alertIds())
                .containsExactly(
                        "session:s1|SESSION|2026-11-22T10:00:00Z|0.5",
                        "session:s1|SESSION|2026-11-22T10:00:00Z|0.8",
                        "session:s1|SESSION|2026-11-22T10:00:00Z|1.0",
                        "session:s1|SESSION|2026-11-22T11:00:00Z|0.5");
    }

    @Test
    void deletingABudgetStopsItsAlerts() {
        budget("user:alice", "DAY", "10");
        t.budgets.pipeInput("user:alice", (Budget) null);
        t.send(costing("e1", "10", T0));

        assertThat(t.alerts.isEmpty()).isTrue();
    }

    @Test
    void aDeltaCombiningThreeEventsAlertsOnceForEachThresholdNamingItsLastEvent() {
        budget("user:alice", "DAY", "10");
        t.sendDelta(ScopeInput.spend(
                Scope.parse("user:alice"),
                new SpendDelta("e3", T0, T0.plusSeconds(2), new BigDecimal("9.00"), 3, 3_600_000, 0, 0, 0, 0, 1)));

        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised)
                .extracting(BudgetAlert::alertId)
                .containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5", "user:alice|DAY|2026-11-22T00:00:00Z|0.8");
        assertThat(raised).extracting(a -> a.spendUsd().toPlainString()).containsOnly("9");
        assertThat(raised).extracting(BudgetAlert::triggeringEventId).containsOnly("e3");
        SpendAggregate day = spend(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), "user:alice");
        assertThat(day.events()).isEqualTo(3);
        assertThat(day.errors()).isEqualTo(1);
        assertThat(day.inputTokens()).isEqualTo(3_600_000);
        assertThat(day.spendUsd().toPlainString()).isEqualTo("9");
        assertThat(day.lastEventAt()).isEqualTo(T0.plusSeconds(2));
    }
}
