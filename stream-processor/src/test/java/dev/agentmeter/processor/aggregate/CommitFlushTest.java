package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka Streams behaviour {@link CommitFlush} relies on, in a real Kafka Streams task
 * (TopologyTestDriver runs {@code StreamTask}, which commits after every input record): if an
 * upgrade stops calling {@code flushCache()} while preparing a commit, wraps the store, or loses
 * the processor's scope when the flush forwards, these tests fail and say which.
 */
class CommitFlushTest {

    /** Buffers values in memory and forwards them, joined, only when flushed. */
    static final class Buffering implements Processor<String, String, String, String> {
        private final List<String> buffer = new ArrayList<>();
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            CommitFlush.schedule(context, "commit-flush", Duration.ofHours(1), this::flush);
        }

        @Override
        public void process(Record<String, String> record) {
            buffer.add(record.value());
        }

        private void flush() {
            if (!buffer.isEmpty()) {
                context.forward(new Record<>("batch", String.join("+", buffer), context.currentSystemTimeMs()));
                buffer.clear();
            }
        }
    }

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;
    private TestOutputTopic<String, String> out;

    @BeforeEach
    void start() {
        Topology topology = new Topology();
        topology.addSource("in", "in");
        topology.addProcessor("buffering", Buffering::new, "in");
        topology.addStateStore(CommitFlush.builder("commit-flush"), "buffering");
        topology.addSink("out", "out", "buffering");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "commit-flush-test");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        driver = new TopologyTestDriver(topology, props, Instant.parse("2026-11-22T10:00:00Z"));
        in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void theTaskStillFlushesTheStoreWhilePreparingEachCommit() {
        in.pipeInput("k", "a");

        assertThat(out.readValuesToList())
                .as(
                        "Kafka Streams no longer calls CachedStateStore.flushCache() on this store in StreamTask.prepareCommit,"
                                + " or wraps it: CommitFlush must find another commit-time hook before this Kafka version is used")
                .containsExactly("a");
    }

    @Test
    void whatTheFlushForwardsReachesTheProcessorsChildrenOncePerCommit() {
        in.pipeInput("k", "a");
        in.pipeInput("k", "b");

        assertThat(out.readKeyValuesToList())
                .as("the flush ran without the processor in scope, or more than once per commit")
                .extracting(kv -> kv.key + "=" + kv.value)
                .containsExactly("batch=a", "batch=b");
    }

    @Test
    void theWallClockFlushWaitsAWholeIntervalAfterACommitsFlush() {
        in.pipeInput("k", "a");
        out.readValuesToList();

        driver.advanceWallClockTime(Duration.ofMinutes(59));

        assertThat(out.isEmpty()).isTrue();
    }
}
