package dev.agentmeter.processor.aggregate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One aggregation processor in a real Kafka Streams task: TopologyTestDriver runs {@code StreamTask},
 * which commits after every input record, so each {@link #commit} hands the processor a batch of
 * records and then commits, the processor's {@link CommitFlush} included. What the processor
 * forwards is kept in {@link #out}, in order.
 *
 * @param <I> what the processor takes
 * @param <O> what it forwards
 */
final class OneTask<I, O> implements AutoCloseable {

    /** What the processor forwarded, in order. */
    final List<Record<String, O>> out = new ArrayList<>();

    private final Map<String, List<Record<String, I>>> batches = new HashMap<>();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, String> in;
    private final Path stateDir;
    private int next;

    /**
     * @param wallClock the driver's wall clock
     * @param beforeStart runs before the processor is initialised, with the stores connected: what
     *                    a changelog restore would leave in them
     */
    OneTask(
            ProcessorSupplier<String, I, String, O> processor,
            Instant wallClock,
            List<StoreBuilder<?>> stores,
            Consumer<ProcessorContext<String, I>> beforeStart) {
        Topology topology = new Topology();
        topology.addSource("batches", new StringDeserializer(), new StringDeserializer(), "batches");
        // Processors are initialised in the order they were added: this one first.
        topology.addProcessor("unbatch", () -> new Unbatch(beforeStart), "batches");
        topology.addProcessor("processor", processor, "unbatch");
        topology.addProcessor("capture", () -> (Processor<String, O, Void, Void>) out::add, "processor");
        String[] names = stores.stream().map(StoreBuilder::name).toArray(String[]::new);
        stores.forEach(store -> topology.addStateStore(store, "processor"));
        topology.connectProcessorAndStateStores("unbatch", names);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "one-task");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try {
            stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "one-task");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, wallClock);
        in = driver.createInputTopic("batches", new StringSerializer(), new StringSerializer());
    }

    /** Hands the records to the processor one after the other, then commits; the task's stream time moves to {@code streamTime}. */
    @SafeVarargs
    final void commit(Instant streamTime, Record<String, I>... records) {
        String id = Integer.toString(next++);
        List<Record<String, I>> batch = new ArrayList<>(records.length);
        for (Record<String, I> r : records) { // not List.of(records): the array stays here (@SafeVarargs)
            batch.add(r);
        }
        batches.put(id, batch);
        in.pipeInput(id, id, streamTime);
    }

    /** One of the processor's stores, as queries read it. */
    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(stateDir.toFile()); // the driver removes its task directories, not the one it was given
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forwards the records of the batch a piped id names. */
    private final class Unbatch implements Processor<String, String, String, I> {
        private final Consumer<ProcessorContext<String, I>> beforeStart;
        private ProcessorContext<String, I> context;

        Unbatch(Consumer<ProcessorContext<String, I>> beforeStart) {
            this.beforeStart = beforeStart;
        }

        @Override
        public void init(ProcessorContext<String, I> context) {
            this.context = context;
            beforeStart.accept(context);
        }

        @Override
        public void process(Record<String, String> record) {
            batches.remove(record.value()).forEach(context::forward);
        }
    }
}
