package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.pricing.BundledCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver around the real topology, seeded with the bundled catalog. */
final class TopologyFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    final ProcessorConfig config;
    final ProcessorMetrics metrics = new ProcessorMetrics(new SimpleMeterRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> raw;
    final TestInputTopic<String, ModelPrice> prices;
    final TestInputTopic<String, byte[]> pricesRaw;
    final TestOutputTopic<String, PricedUsage> priced;
    final TestOutputTopic<byte[], byte[]> rejected;

    TopologyFixture() {
        this(Map.of());
    }

    TopologyFixture(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(ProcessorConfig.MAX_FUTURE_SKEW, "PT24H");
        props.putAll(overrides);
        config = ProcessorConfig.of(props);
        Properties streams = new Properties();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try {
            streams.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("tt-state").toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        driver = new TopologyTestDriver(UsageTopology.build(config, metrics), streams, T0);
        raw = driver.createInputTopic(config.rawTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        prices = driver.createInputTopic(config.pricesTopic(), new StringSerializer(), ContractSerdes.modelPrice());
        pricesRaw = driver.createInputTopic(config.pricesTopic(), new StringSerializer(), new ByteArraySerializer());
        priced = driver.createOutputTopic(config.pricedTopic(), new StringDeserializer(), ContractSerdes.pricedUsage());
        rejected = driver.createOutputTopic(config.rejectedTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        BundledCatalog.load().forEach(p -> prices.pipeInput(p.modelKey(), p));
    }

    /**
     * Pipes the event at its own timestamp, as a producer's CreateTime would be. (The driver runs
     * every sub-topology in one task, so the raw record's timestamp moves the aggregator's stream
     * time too; in a real deployment each sub-topology has its own.)
     */
    void send(UsageEvent e) {
        sendUnflushed(e);
        flushDeltas();
    }

    /** Pipes the event without letting a flush interval pass: its spend stays in the combiner. */
    void sendUnflushed(UsageEvent e) {
        raw.pipeInput(e.sessionId() == null ? null : e.sessionId().getBytes(UTF_8), ContractJson.toBytes(e),
                e.timestamp());
    }

    /** Lets the combiner send its pending deltas on to the aggregator (one flush interval of wall-clock time). */
    void flushDeltas() {
        driver.advanceWallClockTime(config.aggregateFlushInterval());
    }

    void sendBytes(String key, String value) {
        raw.pipeInput(key == null ? null : key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    static UsageEvent event(String id, String model, long in, long out) {
        return UsageEvent.builder().eventId(id).timestamp(T0).agent("triage").userId("alice").teamId("support")
                .sessionId("s1").model(model).usage(Usage.of(in, out)).build();
    }

    @Override
    public void close() {
        driver.close();
    }
}
