package dev.agentmeter.processor.reject;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.Topics;
import dev.agentmeter.model.validation.Violation;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A record for the rejected topic: the original key and bytes, its headers, and the contract's error headers. */
public final class RejectedRecord {

    private static final int MAX_REASON = 500;

    private RejectedRecord() {}

    /** Where the original record was read: topic, partition, offset; a null topic adds no source headers. */
    public record Source(String topic, int partition, long offset, long timestamp) {}

    public static ProducerRecord<byte[], byte[]> of(
            String rejectedTopic,
            byte[] key,
            byte[] value,
            Header[] headers,
            Violation violation,
            String stage,
            Source source) {
        String reason = violation.message();
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON) + "…";
        }
        Headers h = new RecordHeaders(headers);
        h.add(Topics.HEADER_ERROR_REASON, reason.getBytes(UTF_8));
        h.add(Topics.HEADER_ERROR_FIELD, violation.field().getBytes(UTF_8));
        h.add(Topics.HEADER_ERROR_RULE, violation.rule().getBytes(UTF_8));
        h.add(Topics.HEADER_ERROR_STAGE, stage.getBytes(UTF_8));
        if (source.topic() != null) {
            h.add(Topics.HEADER_SOURCE_TOPIC, source.topic().getBytes(UTF_8));
            h.add(
                    Topics.HEADER_SOURCE_PARTITION,
                    Integer.toString(source.partition()).getBytes(UTF_8));
            h.add(Topics.HEADER_SOURCE_OFFSET, Long.toString(source.offset()).getBytes(UTF_8));
        }
        return new ProducerRecord<>(
                rejectedTopic, null, source.timestamp() < 0 ? null : source.timestamp(), key, value, h);
    }
}
