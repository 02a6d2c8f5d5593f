package dev.agentmeter.processor.reject;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where rejected records go from a place without a task producer: the global thread that keeps the
 * price catalog (Kafka Streams cannot write dead letters from global processors).
 */
@FunctionalInterface
public interface SideRejections {

    /** Only counted and logged (tests, and where no producer is wanted). */
    SideRejections NONE = record -> {};

    void reject(ProducerRecord<byte[], byte[]> record);
}
