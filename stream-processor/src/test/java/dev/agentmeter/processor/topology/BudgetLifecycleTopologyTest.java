package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.T0;
import static dev.agentmeter.processor.topology.TopologyFixture.costing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.processor.aggregate.SpendAggregate;
import dev.agentmeter.processor.aggregate.SpendStores;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets that help act: budget status per scope and period, FORECAST and RESOLVED alerts, and
 * budgets in their own time zones. gpt-4o input costs exactly $2.50 per million tokens; the
 * events are alice's, of team support; the processor's zone is UTC.
 */
class BudgetLifecycleTopologyTest {

    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");

    private TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private void restartWith(Map<String, String> overrides) {
        t.close();
        t = new TopologyFixture(overrides);
    }

    private void budget(String scope, String limit, String zone, Boolean forecast) {
        t.budgets.pipeInput(
                scope, new Budget(Scope.parse(scope), Map.of(Period.DAY, new BigDecimal(limit)), null, zone, forecast));
    }

    private List<String> alertIds() {
        return t.alerts.readValuesToList().stream().map(BudgetAlert::alertId).toList();
    }

    /** "spend ratio level" of each status record, in order. */
    private List<String> statusLine() {
        return t.statuses.readKeyValuesToList().stream()
                .map(kv -> kv.value == null
                        ? kv.key + " removed"
                        : kv.key + " " + kv.value.spendUsd().toPlainString() + " "
                                + kv.value.usedRatio().toPlainString() + " " + kv.value.level())
                .toList();
    }

    @Test
    void theStatusFollowsSpendFromOkToWarningToExceededOncePerCommit() {
        budget("user:alice", "10", null, null);
        t.send(costing("e1", "2.5", T0));
        t.send(costing("e2", "2.5", T0));
        t.send(costing("e3", "5", T0));

        assertThat(statusLine())
                .containsExactly(
                        "user:alice|DAY 0 0 OK",
                        "user:alice|DAY 2.5 0.25 OK",
                        "user:alice|DAY 5 0.5 WARNING",
                        "user:alice|DAY 10 1 EXCEEDED");
    }

    @Test
    void aStatusNamesItsWindowAndLimit() {
        budget("user:alice", "8.00", null, null);
        t.send(costing("e1", "2", T0));

        List<BudgetStatus> all = t.statuses.readValuesToList();
        BudgetStatus last = all.get(all.size() - 1);
        assertThat(last.scope()).isEqualTo(Scope.parse("user:alice"));
        assertThat(last.period()).isEqualTo(Period.DAY);
        assertThat(last.windowStart()).isEqualTo(DAY);
        assertThat(last.windowEnd()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(last.limitUsd().toPlainString()).isEqualTo("8.00");
        assertThat(last.usedRatio().toPlainString()).isEqualTo("0.25");
        assertThat(last.updatedAt()).isEqualTo(T0);
    }

    @Test
    void deletingABudgetRemovesItsStatus() {
        budget("user:alice", "10", null, null);
        t.budgets.pipeInput("user:alice", (Budget) null);

        assertThat(statusLine()).containsExactly("user:alice|DAY 0 0 OK", "user:alice|DAY removed");
    }

    @Test
    void aForecastWaitsForATenthOfTheWindowAndFiveEventsThenFiresOnce() {
        budget("user:alice", "10", null, true);
        for (int i = 1; i <= 5; i++) {
            t.send(costing("early-" + i, "0.5", DAY.plus(Duration.ofMinutes(30))));
        }
        assertThat(t.alerts.isEmpty())
                .as("$2.50 by 00:30 would project $120, but 2 % of the day is no evidence")
                .isTrue();

        t.send(costing("e6", "0.5", DAY.plus(Duration.ofHours(3))));
        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised).hasSize(1);
        BudgetAlert f = raised.get(0);
        assertThat(f.alertId()).isEqualTo("user:alice|DAY|2026-11-22T00:00:00Z|forecast");
        assertThat(f.level()).isEqualTo(AlertLevel.FORECAST);
        assertThat(f.threshold().toPlainString()).isEqualTo("1.0");
        assertThat(f.spendUsd().toPlainString()).isEqualTo("3");
        assertThat(f.projectedUsd().toPlainString()).isEqualTo("24"); // $3 in 3 h of a 24 h day
        assertThat(f.projectedCrossingAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z")); // $10 at $1/h
        assertThat(f.triggeringEventId()).isEqualTo("e6");

        t.send(costing("e7", "0.5", DAY.plus(Duration.ofHours(4))));
        assertThat(t.alerts.isEmpty()).as("one forecast per window").isTrue();
    }

    @Test
    void aBudgetWithoutForecastNeverForecasts() {
        budget("user:alice", "10", null, null);
        for (int i = 1; i <= 6; i++) {
            t.send(costing("e" + i, "0.5", DAY.plus(Duration.ofHours(3))));
        }

        assertThat(t.alerts.isEmpty()).isTrue();
    }

    @Test
    void raisingTheLimitResolvesWhatItNoLongerCrossesAndCrossingAgainAlertsAnew() {
        budget("user:alice", "10", null, null);
        t.send(costing("e1", "6", T0));
        assertThat(alertIds()).containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5");

        budget("user:alice", "20", null, null);
        List<BudgetAlert> resolved = t.alerts.readValuesToList();
        assertThat(resolved)
                .extracting(BudgetAlert::alertId)
                .containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5|resolved");
        assertThat(resolved.get(0).level()).isEqualTo(AlertLevel.RESOLVED);
        assertThat(resolved.get(0).limitUsd().toPlainString()).isEqualTo("20");
        assertThat(resolved.get(0).spendUsd().toPlainString()).isEqualTo("6");

        budget("user:alice", "20", null, null);
        assertThat(t.alerts.isEmpty()).as("resolved exactly once").isTrue();

        t.send(costing("e2", "5", T0));
        assertThat(alertIds()).containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5|2");

        budget("user:alice", "100", null, null);
        assertThat(alertIds()).containsExactly("user:alice|DAY|2026-11-22T00:00:00Z|0.5|2|resolved");
    }

    @Test
    void deletingABudgetResolvesEveryThresholdItHadAlerted() {
        budget("user:alice", "10", null, null);
        t.send(costing("e1", "9", T0));
        t.alerts.readValuesToList();

        t.budgets.pipeInput("user:alice", (Budget) null);

        List<BudgetAlert> resolved = t.alerts.readValuesToList();
        assertThat(resolved)
                .extracting(BudgetAlert::alertId)
                .containsExactly(
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.5|resolved",
                        "user:alice|DAY|2026-11-22T00:00:00Z|0.8|resolved");
        assertThat(resolved).extracting(a -> a.limitUsd().toPlainString()).containsOnly("10");
    }

    @Test
    void newYorkAndBerlinBudgetsCountTheirOwnDaysAcrossNewYorksDstChange() {
        restartWith(Map.of("grace", "P400D"));
        budget("user:alice", "10", "America/New_York", null);
        budget("team:support", "10", "Europe/Berlin", null);
        t.alerts.readValuesToList();

        // 2026-11-01 01:30 in New York (EDT → EST at 06:00Z that day), 06:30 in Berlin (already CET).
        t.send(costing("e1", "6", Instant.parse("2026-11-01T05:30:00Z")));

        List<BudgetAlert> raised = t.alerts.readValuesToList();
        assertThat(raised)
                .extracting(BudgetAlert::alertId)
                .containsExactlyInAnyOrder(
                        "user:alice|DAY|2026-11-01T04:00:00Z|0.5", "team:support|DAY|2026-10-31T23:00:00Z|0.5");
        BudgetAlert ny = raised.stream()
                .filter(a -> a.scope().toString().equals("user:alice"))
                .findFirst()
                .orElseThrow();
        assertThat(Duration.between(ny.windowStart(), ny.windowEnd()))
                .as("New York's day of the change")
                .isEqualTo(Duration.ofHours(25));
        BudgetAlert berlin = raised.stream()
                .filter(a -> a.scope().toString().equals("team:support"))
                .findFirst()
                .orElseThrow();
        assertThat(berlin.windowEnd()).isEqualTo(Instant.parse("2026-11-01T23:00:00Z"));
        KeyValueStore<String, SpendAggregate> store = t.driver.getKeyValueStore(SpendStores.DEFAULT.spend());
        assertThat(store.get(SpendStores.key(
                                Period.DAY, Instant.parse("2026-11-01T00:00:00Z"), Scope.parse("user:alice")))
                        .spendUsd()
                        .toPlainString())
                .as("the UTC day, for queries, still counts")
                .isEqualTo("6");
    }

    @Test
    void aZoneSetDuringTheDayCountsTheDaySoFar() {
        t.send(costing("morning", "4", T0.minus(Duration.ofHours(2))));

        budget("user:alice", "10", "Asia/Tokyo", null); // Tokyo's 22 November: 21 Nov 15:00Z to 22 Nov 15:00Z
        t.send(costing("now", "2", T0));

        assertThat(t.alerts.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.alertId()).isEqualTo("user:alice|DAY|2026-11-21T15:00:00Z|0.5");
            assertThat(a.spendUsd().toPlainString()).isEqualTo("6");
        });
        List<KeyValue<String, BudgetStatus>> last = t.statuses.readKeyValuesToList();
        assertThat(last.get(last.size() - 1).value.windowStart()).isEqualTo(Instant.parse("2026-11-21T15:00:00Z"));
    }
}
