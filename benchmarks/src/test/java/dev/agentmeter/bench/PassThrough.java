package dev.agentmeter.bench;

import dev.agentmeter.support.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** The baseline: {@code stream(raw).to(out)} with exactly-once on the same broker; events/s until it caught up. */
final class PassThrough {

    private static final String OUT = "e2e.passthrough";

    private PassThrough() {}

    static double run(String bootstrap, String raw, Path work) throws Exception {
        TopicAdmin.createTopics(bootstrap, new NewTopic(OUT, 3, (short) 1));
        StreamsBuilder b = new StreamsBuilder();
        b.stream(raw, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(OUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "e2e-pass");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory(work, "pass").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaStreams streams = new KafkaStreams(b.build(), p);
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                        Map.of("bootstrap.servers", bootstrap),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(raw).stream()
                    .map(i -> new TopicPartition(raw, i.partition()))
                    .toList();
            long total = c.endOffsets(parts).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long t0 = System.nanoTime();
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("e2e-pass")
                        .partitionsToOffsetAndMetadata()
                        .get();
                long done = committed.entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(raw))
                        .mapToLong(e -> e.getValue().offset())
                        .sum();
                if (done >= total) {
                    return total / ((System.nanoTime() - t0) / 1e9);
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("pass-through did not consume " + total + " records within 30 min");
        }
    }
}
