package dev.agentmeter.processor.pricing;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the compacted prices topic to the global prices store. A bad entry is logged and skipped:
 * it must never stop the global thread (and with it every instance).
 */
public final class CatalogUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(CatalogUpdater.class);

    private final String storeName;
    private final CatalogState state;
    private KeyValueStore<String, ModelPrice> store;

    public CatalogUpdater(String storeName, CatalogState state) {
        this.storeName = storeName;
        this.state = state;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            log.warn("price entry without a key ignored");
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            state.changed();
            return;
        }
        try {
            ModelPrice price = ContractJson.mapper().readValue(record.value(), ModelPrice.class);
            if (price.modelKey() == null || price.prices().isEmpty()) {
                log.warn("price entry '{}' ignored: it needs a modelKey and at least one price", record.key());
                return;
            }
            store.put(price.modelKey(), price);
            state.changed();
        } catch (IOException e) {
            log.warn("price entry '{}' ignored: not a ModelPrice ({})", record.key(), e.getMessage());
        }
    }
}
