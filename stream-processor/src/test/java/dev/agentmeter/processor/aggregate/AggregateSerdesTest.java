package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AggregateSerdesTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void spendAggregateKeepsExactMoneyWithItsScaleAndNullInstants() {
        SpendAggregate open = new SpendAggregate(Instant.parse("2026-11-22T10:15:30.123456789Z"), null,
                new BigDecimal("12345678901234567890.000000000123"), 3, 1000, 500, 200, 100, 50, 1, null);
        SpendAggregate closed = new SpendAggregate(Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"),
                new BigDecimal("-0.0100"), 0, 0, 0, 0, 0, 0, 0, Instant.parse("2026-11-22T23:59:59.999Z"));

        assertThat(roundTrip(AggregateSerdes.spendAggregate(), open)).isEqualTo(open);
        assertThat(roundTrip(AggregateSerdes.spendAggregate(), closed)).isEqualTo(closed);
        assertThat(roundTrip(AggregateSerdes.spendAggregate(), closed).spendUsd().toPlainString()).isEqualTo("-0.0100");
    }

    @Test
    void scopeInputRoundTripsSpendBudgetAndDeletion() {
        ScopeInput spend = ScopeInput.spend(Scope.parse("user:zoë|x"), new SpendDelta("evt-7",
                Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T10:59:59.999Z"),
                new BigDecimal("0.0105"), 7, 1000, 500, 30, 20, 10, 2));
        ScopeInput budget = ScopeInput.budget(Scope.parse("team:support"), new Budget(Scope.parse("team:support"),
                Map.of(Period.DAY, new BigDecimal("10.00")), null));
        ScopeInput deleted = ScopeInput.budget(Scope.GLOBAL, null);

        assertThat(roundTrip(AggregateSerdes.scopeInputs(), List.of(spend, budget, deleted)))
                .containsExactly(spend, budget, deleted);
    }

    @Test
    void aVersion2RecordOfAnUnreleasedFormatIsRefused() {
        byte[] v2 = {2, 0, 8, 'g', 'l', 'o', 'b', 'a', 'l', ':', '*', 1, 0, -1, -1, -1, -1};

        assertThatThrownBy(() -> AggregateSerdes.scopeInputs().deserializer().deserialize("by-scope", v2))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown aggregate format version 2 on by-scope");
    }

    @Test
    void anUnknownFormatVersionIsRefusedNotMisread() {
        assertThatThrownBy(() -> AggregateSerdes.spendAggregate().deserializer().deserialize("spend-store", new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown aggregate format version 9 on spend-store");
    }
}
