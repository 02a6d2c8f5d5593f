package dev.agentmeter.notifier;

import dev.agentmeter.model.json.ContractJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code agentmeter notify replay}: every dead letter not replayed yet (its own consumer group,
 * {@code <group.id>-replay}) sent to its target again with the same retries; one that fails again
 * becomes a new dead letter with the new reason. Returns what happened, one line per letter.
 */
public final class Replay {

    public record Result(int delivered, int failedAgain, int unknownTarget) {}

    private Replay() {}

    public static Result run(NotifierConfig config, PrintWriter out, boolean dryRun) throws InterruptedException {
        Properties cp = NotifierApp.consumerProps(config);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-replay");
        NotifierMetrics metrics = new NotifierMetrics(new SimpleMeterRegistry());
        Clock clock = Clock.systemUTC();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        List<Target> targets = new ArrayList<>();
        if (!config.alertmanagerUrls().isEmpty()) {
            targets.add(new HttpTargets.Alertmanager(
                    config.alertmanagerUrls(), http, config.requestTimeout(), config.dashboardUrl(), clock, metrics));
        }
        byte[] key = config.signingKey();
        config.routes()
                .forEach(r -> targets.add(
                        new HttpTargets.Webhook(r, http, config.requestTimeout(), key, config.dashboardUrl(), clock)));
        int delivered = 0;
        int failed = 0;
        int unknown = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        NotifierApp.producerProps(config), new StringSerializer(), new ByteArraySerializer())) {
            Deliverer deliverer = new Deliverer(
                    null,
                    List.of(),
                    config.maxAttempts(),
                    config.backoffInitial(),
                    config.backoffMax(),
                    d -> send(producer, config, d),
                    metrics,
                    clock,
                    d -> Thread.sleep(d.toMillis()));
            consumer.subscribe(List.of(config.deadLetterTopic()));
            int idle = 0;
            while (idle < 3) {
                var records = consumer.poll(Duration.ofSeconds(1));
                idle = records.isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    DeadLetter d = ContractJson.fromBytes(r.value(), DeadLetter.class);
                    Optional<Target> t = targets.stream()
                            .filter(x -> x.name().equals(d.target()))
                            .findFirst();
                    if (t.isEmpty()) {
                        unknown++;
                        out.println("skipped " + d.alert().alertId() + ": no target " + d.target()
                                + " in this configuration");
                    } else if (dryRun) {
                        out.println(
                                "would send " + d.alert().alertId() + " to " + d.target() + " (" + d.reason() + ")");
                        continue;
                    } else if (deliverer.deliver(d.alert(), t.get())) {
                        delivered++;
                        out.println("delivered " + d.alert().alertId() + " to " + d.target());
                    } else {
                        failed++;
                        out.println(
                                "failed again " + d.alert().alertId() + " to " + d.target() + ": a new dead letter");
                    }
                    consumer.commitSync(Map.of(
                            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                }
                if (dryRun && !records.isEmpty()) {
                    break;
                }
            }
        }
        return new Result(delivered, failed, unknown);
    }

    private static void send(KafkaProducer<String, byte[]> producer, NotifierConfig config, DeadLetter d) {
        try {
            producer.send(new ProducerRecord<>(
                            config.deadLetterTopic(), d.alert().alertId(), Deliverer.bytes(d)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot write the dead letter of " + d.alert().alertId() + ": " + e.getCause(), e);
        }
    }
}
