package dev.agentmeter.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;

class DedupStoreRocksDbConfigTest {

    /** An operator's own setter: records, per store, whether filters were optimised for hits when it ran. */
    public static final class RecordingSetter implements RocksDBConfigSetter {
        static final Map<String, Boolean> SEEN = new TreeMap<>();
        static final Map<String, Integer> CLOSED = new TreeMap<>();

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            SEEN.put(storeName, options.optimizeFiltersForHits());
        }

        @Override
        public void close(String storeName, Options options) {
            CLOSED.merge(storeName, 1, Integer::sum);
        }
    }

    @Test
    void dedupSegmentsKeepFiltersOnEveryLevelOtherStoresKeepKafkasDefault() {
        try (Options dedup = new Options().setOptimizeFiltersForHits(true);
                Options spend = new Options().setOptimizeFiltersForHits(true)) {
            new DedupStoreRocksDbConfig().setConfig("event-id-store.1795046400000", dedup, Map.of());
            new DedupStoreRocksDbConfig().setConfig("spend-store", spend, Map.of());

            assertThat(dedup.optimizeFiltersForHits()).isFalse();
            assertThat(spend.optimizeFiltersForHits()).isTrue();
            // The memtable bloom filter only where new ids are written and looked up.
            assertThat(dedup.memtablePrefixBloomSizeRatio()).isEqualTo(0.05);
            assertThat(dedup.memtableWholeKeyFiltering()).isTrue();
            assertThat(spend.memtablePrefixBloomSizeRatio()).isEqualTo(0.0);
            assertThat(spend.memtableWholeKeyFiltering()).isFalse();
        }
    }

    @Test
    void theAppInstallsItAndPassesAnOperatorsOwnSetterOn() {
        Properties plain = ProcessorApp.streamsProperties(ProcessorConfig.of(Map.of()), 0);
        assertThat(plain.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(DedupStoreRocksDbConfig.class);
        assertThat(plain.containsKey(DedupStoreRocksDbConfig.DELEGATE)).isFalse();

        Properties withOwn = ProcessorApp.streamsProperties(
                ProcessorConfig.of(Map.of("kafka.rocksdb.config.setter", RecordingSetter.class.getName())), 0);
        assertThat(withOwn.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(DedupStoreRocksDbConfig.class);
        assertThat(withOwn.get(DedupStoreRocksDbConfig.DELEGATE)).isEqualTo(RecordingSetter.class.getName());
    }

    /** The real topology's RocksDB stores, opened by the driver with the app's Streams settings. */
    @Test
    void everyRocksDbStoreOfTheTopologyGoesThroughItAndThroughTheOperatorsSetter(@TempDir Path state) throws Exception {
        RecordingSetter.SEEN.clear();
        RecordingSetter.CLOSED.clear();
        ProcessorConfig config = ProcessorConfig.of(Map.of(
                ProcessorConfig.MAX_FUTURE_SKEW,
                "PT24H",
                ProcessorConfig.STATE_DIR,
                Files.createDirectories(state).toString(),
                "kafka.rocksdb.config.setter",
                RecordingSetter.class.getName()));
        Properties streams = ProcessorApp.streamsProperties(config, 0);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                UsageTopology.build(
                        config, new ProcessorMetrics(new SimpleMeterRegistry()), TopologyFixture.RAW_PARTITIONS),
                streams,
                TopologyFixture.T0)) {
            driver.createInputTopic(config.rawTopic(), new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput(null, ContractJson.toBytes(TopologyFixture.event("e1", "gpt-4o", 1000, 100)));
        }
        // The event arrives at the driver's wall clock, 2026-11-22T10:00Z: the dedup store files its id under
        // bucket 2968 of 7 days (the retention) since the epoch, one segment, which starts 2026-11-18T20:00Z.
        // The other stores are key-value stores.
        assertThat(RecordingSetter.SEEN)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "alerted-store",
                        true,
                        "budget-store",
                        true,
                        "event-id-store.1795046400000",
                        false,
                        "spend-store",
                        true)));
        assertThat(RecordingSetter.CLOSED)
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "alerted-store", 1, "budget-store", 1, "event-id-store.1795046400000", 1, "spend-store", 1)));
    }

    @Test
    void anOwnSetterThatIsNotASetterFailsNamingTheKey() {
        try (Options options = new Options()) {
            assertThatThrownBy(() -> new DedupStoreRocksDbConfig()
                            .setConfig(
                                    "spend-store",
                                    options,
                                    Map.of(DedupStoreRocksDbConfig.DELEGATE, "java.lang.String")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(
                            "Invalid value java.lang.String for configuration kafka.rocksdb.config.setter:"
                                    + " not a RocksDBConfigSetter class");
        }
    }
}
