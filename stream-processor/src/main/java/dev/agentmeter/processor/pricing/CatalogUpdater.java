package dev.agentmeter.processor.pricing;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.validation.ContractReader;
import dev.agentmeter.model.validation.PriceValidator;
import dev.agentmeter.model.validation.Violation;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.reject.RejectedRecord;
import dev.agentmeter.processor.reject.SideRejections;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the compacted prices topic to the global prices store. An entry that cannot be read or
 * breaks the contract's rules ({@link PriceValidator}) never reaches the store: it is counted,
 * logged and handed to {@link SideRejections} for the rejected topic, and the model keeps the price
 * it had. Nothing in an entry may stop the global thread (and with it every instance).
 */
public final class CatalogUpdater implements Processor<String, byte[], Void, Void> {

    public static final String STAGE = "prices";
    private static final Logger log = LoggerFactory.getLogger(CatalogUpdater.class);
    private static final ContractReader<ModelPrice> READER = ContractReader.of(ModelPrice.class);

    private final String storeName;
    private final CatalogState state;
    private final ProcessorMetrics metrics;
    private final SideRejections rejections;
    private final String rejectedTopic;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ModelPrice> store;

    public CatalogUpdater(
            String storeName,
            CatalogState state,
            ProcessorMetrics metrics,
            SideRejections rejections,
            String rejectedTopic) {
        this.storeName = storeName;
        this.state = state;
        this.metrics = metrics;
        this.rejections = rejections;
        this.rejectedTopic = rejectedTopic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            reject(record, new Violation("key", "required", "a price entry needs its modelKey as the record key"));
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            state.changed();
            return;
        }
        ContractReader.Read<ModelPrice> read = READER.read(record.value());
        if (!read.ok()) {
            reject(record, read.violation());
            return;
        }
        List<Violation> violations = PriceValidator.validate(read.value());
        if (!violations.isEmpty()) {
            reject(
                    record,
                    new Violation(
                            violations.get(0).field(),
                            violations.get(0).rule(),
                            violations.stream().map(Violation::message).collect(Collectors.joining("; "))));
            return;
        }
        store.put(read.value().modelKey(), read.value());
        state.changed();
    }

    private void reject(Record<String, byte[]> record, Violation violation) {
        metrics.rejected(STAGE, violation.rule());
        log.warn("price entry '{}' ignored: {}", record.key(), violation.message());
        RecordMetadata source = context.recordMetadata().orElse(null);
        try {
            rejections.reject(RejectedRecord.of(
                    rejectedTopic,
                    record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                    record.value(),
                    record.headers().toArray(),
                    violation,
                    STAGE,
                    source == null
                            ? new RejectedRecord.Source(null, -1, -1, record.timestamp())
                            : new RejectedRecord.Source(
                                    source.topic(), source.partition(), source.offset(), record.timestamp())));
        } catch (RuntimeException e) {
            log.warn("could not hand the rejected price entry '{}' over: {}", record.key(), e.getMessage());
        }
    }
}
