package dev.agentmeter.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.sink.Ledgers;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The report and what-if queries on their own, in a real PostgreSQL with the sink's schema and
 * rows written as the sink writes them; every figure exact. (The CLI's {@code ReportIT} checks the
 * same queries through the commands and their formatting.)
 */
class ReportQueriesIT {

    @RegisterExtension
    static final PostgresExtension pg = new PostgresExtension();

    private static final LocalDate DAY = LocalDate.parse("2026-11-02");
    private static final Window THE_DAY = Window.between(DAY, DAY, ZoneOffset.UTC);
    private static String url;

    @BeforeAll
    static void seed() throws Exception {
        url = Ledgers.create(pg, "analytics_it", """
                event_id occurred_at          agent  user_id team_id provider  model             input_tokens output_tokens input_cost_usd output_cost_usd status
                a1       2026-11-02T10:00:00Z coder  alice   support openai    gpt-4o            1000         100           0.0025         0.001           success
                a2       2026-11-02T11:30:00Z coder  alice   support anthropic claude-sonnet-4-5 1000         100           0.006          0.003           success
                a3       2026-11-02T12:00:00Z triage alice   support openai    gpt-4o            1000         100           0.003          0.015           error
                a4       2026-11-03T00:00:00Z coder  alice   support openai    gpt-4o            1000         100           0.5            0.5             success
                """);
    }

    private static ReportQueries queries() throws Exception {
        return new ReportQueries(DriverManager.getConnection(url), "agent_usage", Map.of());
    }

    @Test
    void aDaysTotalsAreTheExactSumOfItsRows() throws Exception {
        ReportQueries.Totals totals = queries().totals(THE_DAY);

        assertThat(totals.costUsd().toPlainString()).isEqualTo("0.0305");
        assertThat(totals.events()).isEqualTo(3);
        assertThat(totals.errors()).isEqualTo(1);
        assertThat(totals.averageUsd().toPlainString()).isEqualTo("0.010167");
    }

    @Test
    void aBreakdownByAgentHasExactCostsAndSharesOfTheTotalToOneDecimal() throws Exception {
        ReportQueries q = queries();

        List<ReportQueries.Line> lines =
                q.groupBy(THE_DAY, GroupBy.AGENT, 0, q.totals(THE_DAY).costUsd());

        assertThat(lines)
                .extracting(l -> l.key() + " " + l.events() + " " + l.costUsd().toPlainString() + " "
                        + l.sharePercent().toPlainString())
                .containsExactly("triage 1 0.018 59.0", "coder 2 0.0125 41.0");
    }

    @Test
    void theHourlyRollUpAndTheRowsGiveTheSameFigures() throws Exception {
        // Whole UTC hours: the roll-up serves. Half a second later: the rows do (same rows in range).
        Window notWholeHours = new Window(THE_DAY.from().plusMillis(500), THE_DAY.to(), ZoneOffset.UTC, "rows");
        ReportQueries q = queries();
        BigDecimal total = q.totals(THE_DAY).costUsd();

        List<ReportQueries.Line> fromRollup = q.groupBy(THE_DAY, GroupBy.MODEL, 0, total);
        List<ReportQueries.Line> fromRows = q.groupBy(notWholeHours, GroupBy.MODEL, 0, total);

        assertThat(ReportQueries.rollupServes(THE_DAY, GroupBy.MODEL, Set.of())).isTrue();
        assertThat(ReportQueries.rollupServes(notWholeHours, GroupBy.MODEL, Set.of()))
                .isFalse();
        assertThat(fromRows).isEqualTo(fromRollup);
        assertThat(fromRollup)
                .extracting(l -> l.key() + " " + l.costUsd().toPlainString())
                .containsExactly("gpt-4o 0.0215", "claude-sonnet-4-5 0.009");
    }

    @Test
    void anInputPriceRiseOnOneModelChangesOnlyItsRowsExactly() throws Exception {
        WhatIf whatIf = new WhatIf(new PriceCatalog(BundledCatalog.load()));
        // The factors are changes, as --input-price-change +50% gives them: input side +0.5, output +0.
        try (Connection c = DriverManager.getConnection(url)) {
            List<WhatIf.Comparison> rows = whatIf.compare(
                    c,
                    "agent_usage",
                    THE_DAY,
                    GroupBy.MODEL,
                    Map.of(),
                    new WhatIf.Scenario("gpt-4o", new BigDecimal("0.5"), BigDecimal.ZERO, Map.of()));

            assertThat(rows)
                    .extracting(r -> r.key() + " " + r.events() + " "
                            + r.oldUsd().toPlainString() + " " + r.newUsd().toPlainString() + " "
                            + r.delta().toPlainString())
                    .containsExactly("gpt-4o 2 0.0215 0.02425 0.00275", "claude-sonnet-4-5 1 0.009 0.009 0.000");
        }
    }
}
