package dev.agentmeter.cli.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.embedded.TopicReader;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.hostile.HostileDocuments;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No record stops the pipeline, on the pipeline {@code up} runs (in-JVM broker, processor, collector,
 * sink in Connect, PostgreSQL): poison on every topic a part reads (raw, prices, budgets, the
 * processor's two repartition topics, priced and alerts for the sink, budget status for the
 * collector) and on the collector's HTTP ingest, then valid traffic. Every valid event lands in
 * PostgreSQL with its exact cost within {@value #BOUND_SECONDS} s, the poison is on the rejected
 * topic or the sink's dead-letter topic, and every part says it is healthy.
 */
class PoisonPipelineIT {

    static final int BOUND_SECONDS = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("poison_it");

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic, key == null ? null : key.getBytes(UTF_8), value == null ? null : value.getBytes(UTF_8));
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Sends.all(producer, records);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void poisonOnEveryInputThenValidTrafficLandsExactlyWithinTheBound() throws Exception {
        String poisonEvent = HostileDocuments.valid("poison-cost", 10, 10)
                .put("providerCostUsd", "1e10000")
                .toString();
        String hugeUser = HostileDocuments.valid("poison-user", 10, 10)
                .put("userId", "u".repeat(100_000))
                .toString();
        String app = "agentmeter-local";
        List<ProducerRecord<byte[], byte[]>> poison = new ArrayList<>(List.of(
                record(Topics.USAGE_RAW, "k", poisonEvent),
                record(Topics.USAGE_RAW, "k", hugeUser),
                record(Topics.USAGE_RAW, "k", "not json"),
                record(Topics.USAGE_RAW, "k", "[".repeat(100_000) + "]".repeat(100_000)),
                record(
                        Topics.USAGE_RAW,
                        null,
                        "{\"schemaVersion\":1,\"eventId\":\"poison-type\",\"timestamp\":"
                                + "\"2026-12-07T08:00:00Z\",\"kind\":\"llm\",\"agent\":\"a\",\"model\":\"gpt-4o\","
                                + "\"usage\":{\"inputTokens\":\"1000\",\"outputTokens\":1}}"),
                record(
                        Topics.PRICES,
                        "gpt-4o",
                        "{\"modelKey\":\"gpt-4o\",\"prices\":[{\"inputPerMTok\":\"1e10000\"}]}"),
                record(Topics.PRICES, "gpt-4o", "garbage"),
                record(
                        Topics.BUDGETS,
                        "user:alice",
                        "{\"scope\":\"user:alice\",\"limits\":{\"DAY\":\"1e-999999999\"}}"),
                record(Topics.BUDGETS, "not-a-scope", null),
                record(app + "-by-home-partition-repartition", "e", "{\"eventId\":"),
                record(app + "-by-scope-repartition", "user:alice", "\u0009garbage"),
                record(
                        Topics.USAGE_PRICED,
                        "p",
                        poisonEvent.replace(
                                "}",
                                ",\"pricing\":{\"source\":\"catalog\"},"
                                        + "\"cost\":{\"inputUsd\":\"0\",\"outputUsd\":\"0\",\"cacheReadUsd\":\"0\",\"cacheWriteUsd\":\"0\","
                                        + "\"totalUsd\":\"1e10000\"},\"pricedAt\":\"2026-12-07T08:00:01Z\"}")),
                record(Topics.USAGE_PRICED, "p", "{\"eventId\":"),
                record(Topics.BUDGET_ALERTS, "a", "{\"alertId\":1e999999999999}"),
                record(Topics.BUDGET_STATUS, "user:alice|DAY", "{\"spendUsd\":\"1e10000\"}")));
        send(poison);
        HttpResponse<String> collectorPoison = HTTP.send(
                HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + poisonEvent + "," + hugeUser + "]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(collectorPoison.statusCode()).as(collectorPoison.body()).isEqualTo(422);

        HostileDocuments documents = new HostileDocuments(HostileDocuments.seed());
        List<ProducerRecord<byte[], byte[]>> valid = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        StringBuilder viaCollector = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            ObjectNode e = documents.validEvent();
            e.put("eventId", "valid-" + i);
            sum = sum.add(HostileDocuments.gpt4oCost(
                    e.at("/usage/inputTokens").asLong(),
                    e.at("/usage/outputTokens").asLong()));
            if (i % 3 == 0) {
                viaCollector.append(viaCollector.length() > 1 ? "," : "").append(e);
            } else {
                valid.add(record(Topics.USAGE_RAW, e.get("eventId").asText(), e.toString()));
            }
        }
        long start = System.nanoTime();
        send(valid);
        HttpResponse<String> collected = HTTP.send(
                HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                viaCollector.append(']').toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(collected.statusCode()).as(collected.body()).isEqualTo(200);

        PostgresExtension.awaitCount(
                pipeline.pgUrl(),
                "SELECT count(*) FROM agent_usage WHERE event_id LIKE 'valid-%'",
                300,
                Duration.ofSeconds(BOUND_SECONDS));
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        System.out.println("poison on every input, then 300 valid events: all landed in " + seconds + " s (bound "
                + BOUND_SECONDS + " s)");
        assertThat(PostgresExtension.query(
                        pipeline.pgUrl(), "SELECT sum(total_cost_usd) FROM agent_usage WHERE event_id LIKE 'valid-%'"))
                .isEqualTo(sum.toPlainString());
        assertThat(PostgresExtension.query(
                        pipeline.pgUrl(), "SELECT count(*) FROM agent_usage WHERE event_id LIKE 'poison-%'"))
                .isEqualTo("0");
        List<ConsumerRecord<String, byte[]>> rejected =
                TopicReader.readToEnd(pipeline.bootstrapServers(), Topics.USAGE_REJECTED, Duration.ofSeconds(30));
        assertThat(rejected.size())
                .as("raw poison, budgets and repartition garbage rejected")
                .isGreaterThanOrEqualTo(9);
        HttpResponse<String> processor = get(pipeline.processorUrl() + "/health");
        assertThat(processor.statusCode()).as(processor.body()).isEqualTo(200);
        assertThat(get(pipeline.collectorUrl() + "/health").statusCode()).isEqualTo(200);
    }
}
