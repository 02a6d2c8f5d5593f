package dev.agentmeter.model.json;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one contract type, through {@link ContractJson}. A null value stays null both
 * ways (a tombstone on the compacted topics). Bad bytes raise Kafka's {@link SerializationException};
 * code that must survive bad input (the processor's raw topic) reads bytes and uses
 * {@link UsageEventParser} instead.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    /** Resolved once: {@code readValue(bytes, type)} looks the type up again on every call. */
    private final ObjectReader reader;

    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this.type = type;
        this.reader = ContractJson.mapper().readerFor(type);
        this.writer = ContractJson.mapper().writerFor(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " to topic " + topic, e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from topic " + topic, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Stateless: the contract fixes the format, there is nothing to configure.
    }

    @Override
    public void close() {
        // Nothing to release; Serializer and Deserializer both declare close(), so it must be resolved here.
    }
}
