package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class AggregateSerdesTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void spendAggregateKeepsExactMoneyWithItsScaleAndNullInstants() {
        SpendAggregate open = new SpendAggregate(
                Instant.parse("2026-11-22T10:15:30.123456789Z"),
                null,
                new BigDecimal("12345678901234567890.000000000123"),
                3,
                1000,
                500,
                200,
                100,
                50,
                1,
                null);
        SpendAggregate closed = new SpendAggregate(
                Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"),
                new BigDecimal("-0.0100"),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                Instant.parse("2026-11-22T23:59:59.999Z"));

        assertThat(roundTrip(AggregateSerdes.spendAggregate(), open)).isEqualTo(open);
        assertThat(roundTrip(AggregateSerdes.spendAggregate(), closed)).isEqualTo(closed);
        assertThat(roundTrip(AggregateSerdes.spendAggregate(), closed)
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("-0.0100");
    }

    @Test
    void scopeInputRoundTripsSpendBudgetAndDeletion() {
        ScopeInput spend = ScopeInput.spend(
                Scope.parse("user:zoë|x"),
                new SpendDelta(
                        "evt-7",
                        Instant.parse("2026-11-22T10:00:00Z"),
                        Instant.parse("2026-11-22T10:59:59.999Z"),
                        new BigDecimal("0.0105"),
                        7,
                        1000,
                        500,
                        30,
                        20,
                        10,
                        2));
        ScopeInput budget = ScopeInput.budget(
                Scope.parse("team:support"),
                new Budget(Scope.parse("team:support"), Map.of(Period.DAY, new BigDecimal("10.00")), null));
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
        assertThatThrownBy(() ->
                        AggregateSerdes.spendAggregate().deserializer().deserialize("spend-store", new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown aggregate format version 9 on spend-store");
    }

    @Test
    void aBatchCountTheRecordCannotHoldIsRefusedNotAllocated() {
        // version 3, then a count of 2^31-1 inputs in a record of 5 bytes (a hostile repartition record: it ran the JVM
        // out of heap)
        byte[] hostile = {3, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};

        Assertions.assertThatThrownBy(() -> AggregateSerdes.scopeInputs()
                        .deserializer()
                        .deserialize("agentmeter-processor-by-scope-repartition", hostile))
                .isInstanceOf(SerializationException.class)
                .hasRootCauseMessage("batch of 2147483647 inputs in 0 bytes");
    }

    @Test
    void aBudgetLengthBeyondTheRecordIsRefused() {
        // version 3, one input: scope user:a, a budget change without a delta, and a budget length of 1 GiB
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(3);
            out.writeInt(1);
            out.writeUTF("user:a");
            out.writeBoolean(true);
            out.writeBoolean(false);
            out.writeInt(1 << 30);
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        Assertions.assertThatThrownBy(
                        () -> AggregateSerdes.scopeInputs().deserializer().deserialize("t", bytes.toByteArray()))
                .isInstanceOf(SerializationException.class)
                .hasRootCauseMessage("budget of 1073741824 bytes in 0");
    }

    @Test
    void randomBytesUnderTheBatchVersionAreReadOrRefusedWithinTheirOwnSize() {
        SplittableRandom random = new SplittableRandom(42);
        int read = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(96)];
            random.nextBytes(garbage);
            garbage[0] = 3;
            try {
                AggregateSerdes.scopeInputs().deserializer().deserialize("t", garbage);
                read++;
            } catch (RuntimeException refusedAsBadData) {
                refused++;
            }
        }
        // no OutOfMemoryError, no hang: every one of them either read or refused
        assertThat(read + refused).isEqualTo(20_000);
    }
}
