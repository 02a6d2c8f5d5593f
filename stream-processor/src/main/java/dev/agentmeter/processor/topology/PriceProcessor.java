package dev.agentmeter.processor.topology;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.pricing.Pricer;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.pricing.CatalogState;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Prices each event against the catalog as it is now (prices published at runtime apply at once). */
final class PriceProcessor implements Processor<String, Accepted, String, Priced> {

    private final String pricesStore;
    private final CatalogState catalogState;
    private final Pricer pricer;
    private final ProcessorMetrics metrics;
    private ProcessorContext<String, Priced> context;
    private CatalogState.View catalog;

    PriceProcessor(String pricesStore, CatalogState catalogState, Pricer pricer, ProcessorMetrics metrics) {
        this.pricesStore = pricesStore;
        this.catalogState = catalogState;
        this.pricer = pricer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Priced> context) {
        this.context = context;
        KeyValueStore<String, ModelPrice> store = context.getStateStore(pricesStore);
        this.catalog = catalogState.view(store);
    }

    @Override
    public void process(Record<String, Accepted> record) {
        PricedUsage priced = pricer.price(
                record.value().event(), catalog.catalog(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
        metrics.priced(priced);
        context.forward(record.withValue(new Priced(priced, record.value().plainJson())));
    }
}
