package dev.agentmeter.processor.topology;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * Keeps bloom filters on every level of the de-duplication store's segments. Kafka Streams calls
 * {@code optimizeFiltersForHits}, which leaves the last level (most of a store) without them: right
 * for lookups that usually hit, wrong here, where nearly every lookup is a new eventId that misses
 * (and two of them per event, one per live segment). Without a filter each miss reads an index and
 * a data block of the last level. The store also gets a bloom filter over its memtable's whole
 * keys, so a new id's lookup usually skips the memtable's skiplist search. The filters cost ~10 bits
 * per id; measurements are in {@code PERFORMANCE.md}. Other stores are untouched.
 * <p>
 * An operator's own {@code rocksdb.config.setter} (given as {@code kafka.rocksdb.config.setter})
 * still runs for every store, after this one: {@code ProcessorApp} passes it on under {@link #DELEGATE}.
 */
public final class DedupStoreRocksDbConfig implements RocksDBConfigSetter {

    /** Streams config key carrying the operator's own setter class (or class name). */
    public static final String DELEGATE = "agentmeter.rocksdb.config.setter.delegate";

    /** Share of the write buffer given to the dedup store's memtable bloom filter (0.8 MB of Kafka's 16 MB). */
    static final double MEMTABLE_BLOOM_RATIO = 0.05;

    /** Kafka Streams creates one setter per store and closes that same instance. */
    private RocksDBConfigSetter delegate;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (isSegmentOf(storeName, UsageTopology.DEDUP_STORE)) {
            options.setOptimizeFiltersForHits(false);
            // A bloom filter over the memtable's whole keys: a new id's lookup skips the skiplist search.
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
            options.setMemtableWholeKeyFiltering(true);
        }
        Object own = configs.get(DELEGATE);
        if (own != null) {
            delegate = instantiate(own);
            delegate.setConfig(storeName, options, configs);
        }
    }

    /** A window store's segments are RocksDB stores named "<store>.<segment start>". */
    private static boolean isSegmentOf(String rocksDbName, String windowStore) {
        return rocksDbName.startsWith(windowStore + ".");
    }

    @Override
    public void close(String storeName, Options options) {
        if (delegate != null) {
            delegate.close(storeName, options);
        }
    }

    private static RocksDBConfigSetter instantiate(Object setter) {
        try {
            return setter instanceof Class<?> c
                    ? Utils.newInstance(c.asSubclass(RocksDBConfigSetter.class))
                    : Utils.newInstance(setter.toString().trim(), RocksDBConfigSetter.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ConfigException("kafka.rocksdb.config.setter", setter, "not a RocksDBConfigSetter class: " + e);
        }
    }
}
