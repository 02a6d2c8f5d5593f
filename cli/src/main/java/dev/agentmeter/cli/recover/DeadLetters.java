package dev.agentmeter.cli.recover;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.TopicToEnd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Records that did not make it, as an operator sees them: the processor's rejected topic (original
 * bytes, the reason in {@code agentmeter.error.*} headers) and the sink's dead-letter topic
 * (Connect's {@code __connect.errors.*} headers). Both keep the original key and value, so a
 * record can be re-published where it came from once its cause is fixed.
 */
public enum DeadLetters {

    /** Events the processor rejected: re-published to the raw topic they were read from. */
    REJECTED(Topics.USAGE_REJECTED, Topics.HEADER_SOURCE_TOPIC, Topics.USAGE_RAW) {
        @Override
        Letter letter(ConsumerRecord<byte[], byte[]> r) {
            String rule = header(r.headers(), Topics.HEADER_ERROR_RULE);
            return new Letter(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    Instant.ofEpochMilli(r.timestamp()),
                    r.key(),
                    r.value(),
                    r.headers(),
                    rule == null ? "unknown" : rule,
                    orEmpty(header(r.headers(), Topics.HEADER_ERROR_FIELD)),
                    orEmpty(header(r.headers(), Topics.HEADER_ERROR_REASON)),
                    eventId(r.value()),
                    replayTopic(r.headers()));
        }
    },
    /** Records the sink could not store: re-published to the topic the sink read them from. */
    DLQ(Topics.SINK_DLQ, "__connect.errors.topic", Topics.USAGE_PRICED) {
        @Override
        Letter letter(ConsumerRecord<byte[], byte[]> r) {
            String exception = header(r.headers(), "__connect.errors.exception.class.name");
            String rule = exception == null ? "unknown" : exception.substring(exception.lastIndexOf('.') + 1);
            return new Letter(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    Instant.ofEpochMilli(r.timestamp()),
                    r.key(),
                    r.value(),
                    r.headers(),
                    rule,
                    "",
                    orEmpty(header(r.headers(), "__connect.errors.exception.message")),
                    eventId(r.value()),
                    replayTopic(r.headers()));
        }
    };

    private final String topic;
    private final String originHeader;
    private final String defaultOrigin;

    DeadLetters(String topic, String originHeader, String defaultOrigin) {
        this.topic = topic;
        this.originHeader = originHeader;
        this.defaultOrigin = defaultOrigin;
    }

    public String topic() {
        return topic;
    }

    /**
     * One record that did not make it. {@code rule}: what counts group by (the broken rule, or the
     * sink's exception type); {@code replayTopic}: where it goes back to.
     */
    public record Letter(
            String topic,
            int partition,
            long offset,
            Instant timestamp,
            byte[] key,
            byte[] value,
            Headers headers,
            String rule,
            String field,
            String reason,
            String eventId,
            String replayTopic) {

        /** Whether {@code filter} names this record's rule (exactly, any case) or occurs in its reason. */
        public boolean matches(String filter) {
            return filter == null
                    || rule.equalsIgnoreCase(filter)
                    || reason.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT));
        }

        public String origin() {
            return topic + ":" + partition + "@" + offset;
        }
    }

    abstract Letter letter(ConsumerRecord<byte[], byte[]> record);

    /**
     * Every record of the topic (read committed) stored at or after {@code since} (null: all), oldest
     * first per partition. An absent topic is an empty list: nothing was ever rejected there.
     */
    public List<Letter> read(String bootstrap, Instant since) {
        List<Letter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaIo.bytesConsumer(bootstrap)) {
            List<TopicPartition> tps = TopicToEnd.partitions(consumer, topic, Duration.ofSeconds(15));
            if (tps.isEmpty()) {
                return out;
            }
            consumer.assign(tps);
            TopicToEnd.Mark end = TopicToEnd.mark(consumer, tps);
            consumer.seekToBeginning(tps);
            if (since != null) {
                Map<TopicPartition, Long> at = new HashMap<>();
                tps.forEach(tp -> at.put(tp, since.toEpochMilli()));
                for (Map.Entry<TopicPartition, OffsetAndTimestamp> e :
                        consumer.offsetsForTimes(at).entrySet()) {
                    consumer.seek(
                            e.getKey(),
                            e.getValue() == null
                                    ? end.ends().get(e.getKey())
                                    : e.getValue().offset());
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!end.reachedBy(consumer) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(letter(r));
                }
            }
        }
        return out;
    }

    /** The topic the record goes back to: where it was read from, else this topic's usual origin. */
    String replayTopic(Headers headers) {
        String origin = header(headers, originHeader);
        return origin == null || origin.isBlank() ? defaultOrigin : origin;
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The eventId of a record that is JSON with one, else null (a rejected record may be anything). */
    private static String eventId(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode id = ContractJson.mapper().readTree(value).get("eventId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }
}
