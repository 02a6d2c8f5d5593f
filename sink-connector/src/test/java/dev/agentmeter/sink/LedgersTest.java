package dev.agentmeter.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgersTest {

    @Test
    void aRowTakesItsCellsAndTheDocumentedDefaults() {
        PricedUsage p = Ledgers.rows("""
                event_id occurred_at          agent user_id provider model  model_key input_tokens input_cost_usd output_cost_usd
                a1       2026-11-02T10:00:00Z coder -       openai   gpt-4o -         1_000        0.0025         0.001
                """).get(0);

        assertThat(p.event().eventId()).isEqualTo("a1");
        assertThat(p.event().userId()).isNull();
        assertThat(p.event().usage().inputTokens()).isEqualTo(1000);
        assertThat(p.event().call().status()).isEqualTo("success");
        assertThat(p.pricing().modelKey()).isNull();
        assertThat(p.pricing().company()).isEqualTo("openai");
        assertThat(p.pricing().source()).isEqualTo(CostSource.CATALOG);
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.0035");
        assertThat(p.cost().catalogUsd().toPlainString()).isEqualTo("0.0035");
        assertThat(p.pricedAt()).isEqualTo(p.event().timestamp());
    }

    @Test
    void aTotalAloneIsAllInput() {
        PricedUsage p = Ledgers.rows("""
                event_id occurred_at          agent handoff_chain total_cost_usd
                w2       2026-11-10T09:00:05Z coder Triage,Planner 0.000125
                """).get(0);

        assertThat(p.cost().inputUsd().toPlainString()).isEqualTo("0.000125");
        assertThat(p.cost().outputUsd().signum()).isZero();
        assertThat(p.event().handoffChain()).isEqualTo(List.of("Triage", "Planner"));
    }

    @Test
    void anUnknownColumnIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Ledgers.rows("event_id cost\ne1 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown ledger column cost; known: event_id occurred_at agent");
    }

    @Test
    void aRowWithoutACostIsRefused() {
        assertThatThrownBy(() -> Ledgers.rows("event_id occurred_at agent\ne1 2026-11-02T10:00:00Z coder"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a ledger row needs total_cost_usd or input_cost_usd");
    }
}
