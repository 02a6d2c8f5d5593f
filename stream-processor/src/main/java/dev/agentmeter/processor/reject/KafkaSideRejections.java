package dev.agentmeter.processor.reject;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Side rejections through an idempotent producer of their own. A global store is read again from
 * the start when an instance starts, so a bad entry still on the compacted topic is rejected once
 * per start of each instance (the copies carry the same source offset header); within one run an
 * entry is rejected once.
 */
public final class KafkaSideRejections implements SideRejections, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSideRejections.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    public KafkaSideRejections(Map<String, Object> clientProperties) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "agentmeter-processor-side-rejections");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void reject(ProducerRecord<byte[], byte[]> record) {
        String where = header(record, Topics.HEADER_SOURCE_TOPIC) + ":" + header(record, Topics.HEADER_SOURCE_PARTITION)
                + "@" + header(record, Topics.HEADER_SOURCE_OFFSET);
        if (!sent.add(where)) {
            return;
        }
        // The callback takes a failure (logged, and the record may be rejected again): the future adds nothing.
        Future<RecordMetadata> unused = producer.send(record, (md, e) -> {
            if (e != null) {
                log.warn("could not publish the rejection of {} to {}: {}", where, record.topic(), e.getMessage());
                sent.remove(where);
            }
        });
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
