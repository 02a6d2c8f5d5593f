package dev.agentmeter.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on the in-JVM broker: the de-duplication changelog an earlier build wrote (its
 * {@code dedup-store}, eventId-first keys, on each event's home partition) is there before the
 * new build starts. Redeliveries of those events are still dropped: by the first instance, which
 * restores the old store, and by a second one that starts on an empty state directory and restores
 * the old ids, the cutover and the new store from their changelogs.
 */
class DedupUpgradeIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private static final int PARTITIONS = 3;

    @TempDir
    Path work;

    @Test
    void eventsSeenByTheEarlierBuildAreNotPricedAgainAcrossARestart() throws Exception {
        String prefix = kafka.uniqueTopic("upgrade");
        Map<String, String> props = Map.of(
                ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ProcessorConfig.APPLICATION_ID, "upgrade-" + prefix,
                ProcessorConfig.HTTP_PORT, "0",
                ProcessorConfig.TOPIC_RAW, prefix + ".raw", ProcessorConfig.TOPIC_PRICED, prefix + ".priced",
                ProcessorConfig.TOPIC_REJECTED, prefix + ".rejected", ProcessorConfig.TOPIC_PRICES, prefix + ".prices",
                ProcessorConfig.TOPIC_BUDGETS, prefix + ".budgets", ProcessorConfig.TOPIC_ALERTS, prefix + ".alerts");
        Instant base = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
        List<UsageEvent> old = events("old", 100, base);
        writeEarlierBuildsChangelog("upgrade-" + prefix + "-" + UsageTopology.LEGACY_DEDUP_STORE + "-changelog", old);

        ProcessorConfig first = config(props, "state-a");
        List<UsageEvent> fresh = events("new", 100, base);
        try (ProcessorApp a = new ProcessorApp(first); KafkaProducer<String, byte[]> producer = producer()) {
            a.prepare(PARTITIONS, (short) 1);
            a.start();
            assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
            send(producer, first.rawTopic(), old);
            send(producer, first.rawTopic(), fresh);
            assertThat(awaitPriced(first.pricedTopic(), 100)).containsExactlyInAnyOrderElementsOf(ids(fresh));
        }

        ProcessorConfig second = config(props, "state-b");
        List<UsageEvent> later = events("later", 50, base.plusSeconds(60));
        try (ProcessorApp b = new ProcessorApp(second); KafkaProducer<String, byte[]> producer = producer()) {
            b.start();
            assertThat(b.awaitRunning(Duration.ofSeconds(60))).isTrue();
            send(producer, second.rawTopic(), old);
            send(producer, second.rawTopic(), fresh);
            send(producer, second.rawTopic(), later);
            List<String> all = new ArrayList<>(ids(fresh)); // priced by the first instance
            all.addAll(ids(later));
            assertThat(awaitPriced(second.pricedTopic(), 150)).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    private ProcessorConfig config(Map<String, String> props, String stateDir) throws Exception {
        Map<String, String> p = new java.util.HashMap<>(props);
        p.put(ProcessorConfig.STATE_DIR, Files.createDirectories(work.resolve(stateDir)).toString());
        return ProcessorConfig.of(p);
    }

    private static List<UsageEvent> events(String prefix, int n, Instant base) {
        return IntStream.range(0, n).mapToObj(i -> UsageEvent.builder().eventId(prefix + "-" + i)
                .timestamp(base.plusMillis(i)).agent("a").userId("u").sessionId("s" + (i % 7)).model("gpt-4o")
                .usage(Usage.of(1000, 100)).build()).toList();
    }

    private static List<String> ids(List<UsageEvent> events) {
        return events.stream().map(UsageEvent::eventId).toList();
    }

    /** As the earlier build's changelogging window store wrote it: key = eventId ‖ event time ‖ seqnum 0. */
    private static void writeEarlierBuildsChangelog(String topic, List<UsageEvent> events) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete")))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], Long> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new LongSerializer())) {
            for (UsageEvent e : events) {
                long at = e.timestamp().toEpochMilli();
                byte[] key = WindowKeySchema.toStoreKeyBinary(Bytes.wrap(e.eventId().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        at, 0).get();
                producer.send(new ProducerRecord<>(topic, HomePartition.of(e, PARTITIONS), at, key, at)).get();
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, List<UsageEvent> events) {
        events.forEach(e -> producer.send(new ProducerRecord<>(topic, e.sessionId(), ContractJson.toBytes(e))));
        producer.flush();
    }

    /** eventIds on the priced topic (committed only) once {@code n} arrived (or 120 s passed), then 3 s more. */
    private static List<String> awaitPriced(String topic, int n) {
        return TopicReader.await(kafka.bootstrapServers(), topic, n, Duration.ofSeconds(120), Duration.ofSeconds(3))
                .stream().map(ConsumerRecord::key).toList();
    }
}
