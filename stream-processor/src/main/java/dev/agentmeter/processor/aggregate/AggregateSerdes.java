package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.Bounds;
import dev.agentmeter.model.validation.BudgetValidator;
import dev.agentmeter.model.validation.Violation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary serdes for the aggregator's internal data: the by-scope repartition topic
 * (batches of {@link ScopeInput}) and the spend store ({@link SpendAggregate}). They are read and written several times per event, so JSON there cost more than half of the stream thread's time.
 * Internal only — every contract topic stays JSON. Money keeps its exact value and scale
 * (unscaled bytes + scale). The first byte is a format version, so the layout can evolve.
 */
public final class AggregateSerdes {

    /** 2: deltas carry event and error counts and a time span (combined deltas). */
    private static final byte VERSION = 2;
    /** 3: a by-scope record carries a batch of inputs, all for scopes of one partition. */
    private static final byte VERSION_BATCH = 3;

    private AggregateSerdes() {}

    public static Serde<SpendAggregate> spendAggregate() {
        return Serdes.serdeFrom(
                serializer(VERSION, AggregateSerdes::writeAggregate),
                deserializer(VERSION, AggregateSerdes::readAggregate));
    }

    /** The by-scope records: a batch of inputs (version 3). */
    public static Serde<List<ScopeInput>> scopeInputs() {
        return Serdes.serdeFrom(
                serializer(VERSION_BATCH, AggregateSerdes::writeInputs),
                deserializer(VERSION_BATCH, AggregateSerdes::readInputs));
    }

    private interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serializer<T> serializer(byte version, Writer<T> writer) {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(version);
                writer.write(out, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in-memory stream: does not happen
            }
            return bytes.toByteArray();
        };
    }

    /** Reads {@code version}; any other is refused, never misread. */
    private static <T> Deserializer<T> deserializer(byte version, Reader<T> reader) {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte found = in.readByte();
                if (found == version) {
                    return reader.read(in);
                }
                throw new SerializationException("unknown aggregate format version " + found + " on " + topic);
            } catch (IOException e) {
                throw new SerializationException("corrupt aggregate record on " + topic + ": " + e.getMessage(), e);
            }
        };
    }

    static void writeAggregate(DataOutputStream out, SpendAggregate a) throws IOException {
        writeInstant(out, a.windowStart());
        writeInstant(out, a.windowEnd());
        writeDecimal(out, a.spendUsd());
        out.writeLong(a.events());
        out.writeLong(a.inputTokens());
        out.writeLong(a.outputTokens());
        out.writeLong(a.cacheReadTokens());
        out.writeLong(a.cacheWriteTokens());
        out.writeLong(a.reasoningTokens());
        out.writeLong(a.errors());
        writeInstant(out, a.lastEventAt());
    }

    static SpendAggregate readAggregate(DataInputStream in) throws IOException {
        return new SpendAggregate(
                readInstant(in),
                readInstant(in),
                readDecimal(in),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                readInstant(in));
    }

    private static void writeInputs(DataOutputStream out, List<ScopeInput> batch) throws IOException {
        out.writeInt(batch.size());
        for (ScopeInput input : batch) {
            writeInput(out, input);
        }
    }

    /** The fewest bytes one written input takes (an empty scope, two flags, no budget): bounds a count read from the record. */
    private static final int MIN_INPUT_BYTES = 2 + 1 + 1 + 4;

    private static List<ScopeInput> readInputs(DataInputStream in) throws IOException {
        int size = in.readInt();
        // A count the record cannot hold is a corrupt (or hostile) record, refused, never an allocation of that size.
        if (size < 0 || size > in.available() / MIN_INPUT_BYTES) {
            throw new IOException("batch of " + size + " inputs in " + in.available() + " bytes");
        }
        List<ScopeInput> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(readInput(in));
        }
        return batch;
    }

    /** Scope, then a flag (budget change or spend), then the delta or the budget (null: -1). */
    private static void writeInput(DataOutputStream out, ScopeInput input) throws IOException {
        out.writeUTF(input.scope().toString());
        SpendDelta d = input instanceof ScopeInput.Spend spend ? spend.delta() : null;
        Budget set = input instanceof ScopeInput.BudgetChange change ? change.budget() : null;
        out.writeBoolean(input instanceof ScopeInput.BudgetChange);
        out.writeBoolean(d != null);
        if (d != null) {
            writeDelta(out, d);
        }
        // Budgets change rarely: their contract JSON is good enough here.
        byte[] budget = set == null ? null : ContractJson.toBytes(set);
        out.writeInt(budget == null ? -1 : budget.length);
        if (budget != null) {
            out.write(budget);
        }
    }

    private static ScopeInput readInput(DataInputStream in) throws IOException {
        Scope scope = Scope.parse(in.readUTF());
        boolean budgetChange = in.readBoolean();
        SpendDelta delta = null;
        if (in.readBoolean()) {
            delta = readDelta(in);
        }
        int length = in.readInt();
        if (length > in.available()) {
            throw new IOException("budget of " + length + " bytes in " + in.available());
        }
        Budget budget = null;
        if (length >= 0) {
            byte[] json = new byte[length];
            in.readFully(json);
            budget = ContractJson.fromBytes(json, Budget.class);
            List<Violation> violations = BudgetValidator.validate(budget);
            if (!violations.isEmpty()) {
                throw new IOException("a budget the budgets topic would have refused: "
                        + violations.get(0).message());
            }
            if (!budget.scope().equals(scope)) {
                throw new IOException("a budget for " + budget.scope() + " filed under " + scope);
            }
        }
        if (budgetChange) {
            return ScopeInput.budget(scope, budget);
        }
        if (delta == null) {
            throw new IOException("a spend input without its delta for " + scope);
        }
        return ScopeInput.spend(scope, delta);
    }

    private static void writeDelta(DataOutputStream out, SpendDelta d) throws IOException {
        out.writeUTF(d.lastEventId());
        writeInstant(out, d.firstAt());
        writeInstant(out, d.lastAt());
        writeDecimal(out, d.costUsd());
        out.writeLong(d.events());
        out.writeLong(d.inputTokens());
        out.writeLong(d.outputTokens());
        out.writeLong(d.cacheReadTokens());
        out.writeLong(d.cacheWriteTokens());
        out.writeLong(d.reasoningTokens());
        out.writeLong(d.errors());
    }

    /**
     * A delta as the combiner writes one, else refused: bounds the aggregator relies on when it
     * windows, sums and alerts at commit, where a failure could not be pinned on one record.
     */
    private static SpendDelta readDelta(DataInputStream in) throws IOException {
        SpendDelta d = new SpendDelta(
                in.readUTF(),
                readInstant(in),
                readInstant(in),
                readDecimal(in),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong());
        if (d.lastEventId().isEmpty()
                || d.firstAt() == null
                || d.lastAt() == null
                || d.firstAt().isAfter(d.lastAt())
                || d.firstAt().isBefore(Bounds.MIN_TIMESTAMP)
                || d.lastAt().isAfter(LATEST_DELTA)) {
            throw new IOException("a delta without an event id or with times out of order or out of bounds");
        }
        if (d.costUsd().signum() < 0
                || d.costUsd().scale() > Bounds.MAX_COST_SCALE
                || (d.events() > 0
                        && d.costUsd().compareTo(Bounds.MAX_COST.multiply(BigDecimal.valueOf(d.events()))) > 0)) {
            throw new IOException("a delta cost of " + Bounds.describe(d.costUsd()) + " is out of bounds");
        }
        if (d.events() < 1
                || d.errors() < 0
                || d.errors() > d.events()
                || d.inputTokens() < 0
                || d.outputTokens() < 0
                || d.cacheReadTokens() < 0
                || d.cacheWriteTokens() < 0
                || d.reasoningTokens() < 0) {
            throw new IOException("a delta with a negative count or without events");
        }
        return d;
    }

    /** Far beyond any event time a validator accepts, and within what every calendar window can hold. */
    private static final Instant LATEST_DELTA = Instant.parse("9999-01-01T00:00:00Z");

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeBoolean(instant != null);
        if (instant != null) {
            out.writeLong(instant.getEpochSecond());
            out.writeInt(instant.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void writeDecimal(DataOutputStream out, BigDecimal value) throws IOException {
        byte[] unscaled = value.unscaledValue().toByteArray();
        out.writeInt(value.scale());
        out.writeShort(unscaled.length);
        out.write(unscaled);
    }

    /** Far beyond any sum of contract money (Bounds.money), short of a number whose plain form would not fit in memory. */
    private static final int MAX_SCALE = 1000;

    private static BigDecimal readDecimal(DataInputStream in) throws IOException {
        int scale = in.readInt();
        if (Math.abs((long) scale) > MAX_SCALE) {
            throw new IOException("decimal scale " + scale + " is out of bounds");
        }
        byte[] unscaled = new byte[in.readUnsignedShort()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
