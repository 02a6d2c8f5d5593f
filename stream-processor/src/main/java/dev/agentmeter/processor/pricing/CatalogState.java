package dev.agentmeter.processor.pricing;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.pricing.PriceCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Connects the global prices store to the pricing processors of one Kafka Streams instance: the
 * global updater bumps the version on every change; each pricing processor rebuilds its
 * {@link PriceCatalog} index from the store when the version moved. (A restored global store is
 * loaded without the updater, so processors also build the index on their first record.)
 */
public final class CatalogState {

    private final AtomicLong version = new AtomicLong(1);

    void changed() {
        version.incrementAndGet();
    }

    long version() {
        return version.get();
    }

    /** A per-processor view; not thread-safe, one per processor instance. */
    public View view(KeyValueStore<String, ModelPrice> store) {
        return new View(store);
    }

    public final class View {
        private final KeyValueStore<String, ModelPrice> store;
        private long seen;
        private PriceCatalog catalog = PriceCatalog.EMPTY;

        private View(KeyValueStore<String, ModelPrice> store) {
            this.store = store;
        }

        public PriceCatalog catalog() {
            long now = version();
            if (now != seen) {
                List<ModelPrice> entries = new ArrayList<>();
                try (KeyValueIterator<String, ModelPrice> it = store.all()) {
                    it.forEachRemaining(kv -> entries.add(kv.value));
                }
                catalog = new PriceCatalog(entries);
                seen = now;
            }
            return catalog;
        }
    }
}
