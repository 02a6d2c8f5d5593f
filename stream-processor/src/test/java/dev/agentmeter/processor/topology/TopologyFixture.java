package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.aggregate.AggregateSerdes;
import dev.agentmeter.processor.aggregate.ScopeInput;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.reject.RejectingExceptionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver around the real topology, seeded with the bundled catalog. */
final class TopologyFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String APPLICATION_ID = "topology-test";
    /**
     * The driver feeds every raw record on partition 0; with two partitions, events whose session
     * hashes to partition 1 take the detour through {@code by-home-partition}, so both paths run.
     */
    static final int RAW_PARTITIONS = 2;

    final ProcessorConfig config;
    final ProcessorMetrics metrics = new ProcessorMetrics(new SimpleMeterRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> raw;
    final TestInputTopic<String, ModelPrice> prices;
    final TestInputTopic<String, byte[]> pricesRaw;
    final TestOutputTopic<String, PricedUsage> priced;
    final TestOutputTopic<byte[], byte[]> rejected;
    final TestInputTopic<String, byte[]> budgetsRaw;
    final TestInputTopic<String, Budget> budgets;
    final TestOutputTopic<String, BudgetAlert> alerts;
    final TestOutputTopic<String, BudgetStatus> statuses;
    /** What the prices' global updater rejected (it has no task producer: {@code SideRejections}). */
    final List<ProducerRecord<byte[], byte[]>> priceRejections = new CopyOnWriteArrayList<>();

    private final File stateDir;

    TopologyFixture() {
        this(Map.of());
    }

    TopologyFixture(Map<String, String> overrides) {
        this(overrides, StreamsConfig.EXACTLY_ONCE_V2);
    }

    /**
     * @param guarantee the processing guarantee; the driver keeps what a deserialisation failure
     *                  dead-letters in an open transaction that it never commits, so tests of that
     *                  path run at least once (a real broker commits it: {@code PoisonPipelineIT})
     */
    TopologyFixture(Map<String, String> overrides, String guarantee) {
        Map<String, String> props = new HashMap<>();
        props.put(ProcessorConfig.MAX_FUTURE_SKEW, "PT24H");
        props.putAll(overrides);
        config = ProcessorConfig.of(props);
        Properties streams = new Properties();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        // The error handling of ProcessorApp, exactly: one record is one unit of failure.
        Properties app = ProcessorApp.streamsProperties(config, 0);
        for (String key : List.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                ProcessorApp.GLOBAL_PROCESSING_HANDLER,
                RejectingExceptionHandler.REJECTED_TOPIC)) {
            streams.put(key, app.get(key));
        }
        streams.put(RejectingExceptionHandler.METRICS, metrics);
        try {
            stateDir = Files.createTempDirectory("tt-state").toFile();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        streams.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                UsageTopology.build(config, metrics, RAW_PARTITIONS, priceRejections::add), streams, T0);
        raw = driver.createInputTopic(config.rawTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        prices = driver.createInputTopic(config.pricesTopic(), new StringSerializer(), ContractSerdes.modelPrice());
        pricesRaw = driver.createInputTopic(config.pricesTopic(), new StringSerializer(), new ByteArraySerializer());
        priced = driver.createOutputTopic(config.pricedTopic(), new StringDeserializer(), ContractSerdes.pricedUsage());
        rejected = driver.createOutputTopic(
                config.rejectedTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        budgetsRaw = driver.createInputTopic(config.budgetsTopic(), new StringSerializer(), new ByteArraySerializer());
        budgets = driver.createInputTopic(config.budgetsTopic(), new StringSerializer(), ContractSerdes.budget());
        alerts = driver.createOutputTopic(config.alertsTopic(), new StringDeserializer(), ContractSerdes.budgetAlert());
        statuses = driver.createOutputTopic(
                config.budgetStatusTopic(), new StringDeserializer(), ContractSerdes.budgetStatus());
        BundledCatalog.load().forEach(p -> prices.pipeInput(p.modelKey(), p));
    }

    /**
     * Pipes the event at its own timestamp, as a producer's CreateTime would be. (The driver runs
     * every sub-topology in one task, so the raw record's timestamp moves the aggregator's stream
     * time too; in a real deployment each sub-topology has its own.) The driver commits after
     * every record, and every commit sends the combiner's pending deltas: each event reaches the
     * aggregator as a delta of its own.
     */
    void send(UsageEvent e) {
        raw.pipeInput(
                e.sessionId() == null ? null : e.sessionId().getBytes(UTF_8), ContractJson.toBytes(e), e.timestamp());
    }

    /** Pipes a delta straight into the by-scope repartition topic, as a combiner that held several events sends it. */
    void sendDelta(ScopeInput.Spend input) {
        driver.createInputTopic(
                        APPLICATION_ID + "-" + UsageTopology.BY_SCOPE + "-repartition",
                        new StringSerializer(),
                        AggregateSerdes.scopeInputs().serializer())
                .pipeInput(
                        input.scope().toString(), List.of(input), input.delta().lastAt());
    }

    void sendBytes(String key, String value) {
        raw.pipeInput(key == null ? null : key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    /** An event costing {@code usd} (a multiple of 2.5 per million input tokens of gpt-4o) at {@code at}. */
    static UsageEvent costing(String id, String usd, Instant at) {
        long tokens = new BigDecimal(usd).multiply(BigDecimal.valueOf(400_000)).longValueExact();
        return event(id, "gpt-4o", tokens, 0).toBuilder().timestamp(at).build();
    }

    static UsageEvent event(String id, String model, long in, long out) {
        return UsageEvent.builder()
                .eventId(id)
                .timestamp(T0)
                .agent("triage")
                .userId("alice")
                .teamId("support")
                .sessionId("s1")
                .model(model)
                .usage(Usage.of(in, out))
                .build();
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(stateDir); // the driver removes its task directories, not the one it was given
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
