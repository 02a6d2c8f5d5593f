package dev.agentmeter.processor.topology;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.json.ContractSerdes;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.pricing.Pricer;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.processor.aggregate.AggregateSerdes;
import dev.agentmeter.processor.aggregate.BudgetInputProcessor;
import dev.agentmeter.processor.aggregate.BudgetOutput;
import dev.agentmeter.processor.aggregate.CommitFlush;
import dev.agentmeter.processor.aggregate.DeltaCombiner;
import dev.agentmeter.processor.aggregate.ScopeInput;
import dev.agentmeter.processor.aggregate.ScopePartitioner;
import dev.agentmeter.processor.aggregate.SpendProcessor;
import dev.agentmeter.processor.aggregate.SpendStores;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.pricing.CatalogState;
import dev.agentmeter.processor.pricing.CatalogUpdater;
import dev.agentmeter.processor.reject.SideRejections;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The processor's data flow, top to bottom: validate → de-duplicate → price → aggregate → alert
 * and budget status.
 * Every processor, store and repartition topic is named so the topology and its state stay stable
 * across releases. {@link #build} is a pure function of the configuration.
 */
public final class UsageTopology {

    public static final String PRICES_STORE = "prices-store";
    public static final String DEDUP_STORE = "event-id-store";
    public static final String BY_HOME_PARTITION = "by-home-partition";
    /** How much further ahead of this host's clock an event on the detour may be than at first validation. */
    static final Duration DETOUR_CLOCK_MARGIN = Duration.ofHours(1);

    public static final String BY_SCOPE = "by-scope";
    public static final String DELTA_COMMIT_HOOK = "delta-commit-hook";
    public static final String SPEND_COMMIT_HOOK = "spend-commit-hook";

    private UsageTopology() {}

    /**
     * The processor's topology, bad entries of the prices topic published nowhere (see the other {@code build}).
     *
     * @param rawPartitions the raw topic's partition count: events are de-duplicated on the task of
     *                      their {@link HomePartition}, and the detour topic gets as many partitions
     */
    public static Topology build(ProcessorConfig config, ProcessorMetrics metrics, int rawPartitions) {
        return build(config, metrics, rawPartitions, SideRejections.NONE);
    }

    /**
     * The processor's topology, read top to bottom: validate, de-duplicate, price, aggregate, alert.
     *
     * @param priceRejections where bad entries of the prices topic go (the global thread that reads
     *                        it has no task producer to write dead letters with)
     */
    public static Topology build(
            ProcessorConfig config, ProcessorMetrics metrics, int rawPartitions, SideRejections priceRejections) {
        StreamsBuilder builder = new StreamsBuilder();
        CatalogState catalog = prices(builder, config, metrics, priceRejections);

        Map<String, KStream<String, Validated>> valid = validate(builder, config, metrics, rawPartitions);
        KStream<String, Accepted> unique = dedupe(builder, config, metrics, rawPartitions, valid);
        KStream<String, Priced> priced = price(config, metrics, catalog, unique);
        priced.to(
                config.pricedTopic(),
                Produced.with(Serdes.String(), Priced.serde()).withName("priced-sink"));
        KStream<String, BudgetOutput> budgetOutput = aggregateAndAlert(
                builder, config, metrics, rawPartitions, priced.mapValues(Priced::usage, Named.as("priced-usage")));
        budgetOutput
                .split(Named.as("budget-output-"))
                .branch(
                        (scope, out) -> out instanceof BudgetOutput.Raised,
                        Branched.withConsumer(
                                raised -> raised.mapValues(
                                                out -> ((BudgetOutput.Raised) out).alert(), Named.as("alert"))
                                        .to(
                                                config.alertsTopic(),
                                                Produced.with(Serdes.String(), ContractSerdes.budgetAlert())
                                                        .withName("alerts-sink")),
                                "alerts"))
                .defaultBranch(Branched.withConsumer(
                        status -> status.mapValues(out -> ((BudgetOutput.Status) out).status(), Named.as("status"))
                                .to(
                                        config.budgetStatusTopic(),
                                        Produced.with(Serdes.String(), ContractSerdes.budgetStatus())
                                                .withName("budget-status-sink")),
                        "statuses"));
        return builder.build();
    }

    /** The compacted prices topic as a global store, so every instance prices with the full catalog. */
    private static CatalogState prices(
            StreamsBuilder builder, ProcessorConfig config, ProcessorMetrics metrics, SideRejections rejections) {
        CatalogState state = new CatalogState();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(PRICES_STORE),
                                Serdes.String(),
                                ContractSerdes.modelPrice())
                        .withLoggingDisabled(),
                config.pricesTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("prices-source"),
                () -> new CatalogUpdater(PRICES_STORE, state, metrics, rejections, config.rejectedTopic()));
        return state;
    }

    /**
     * Raw bytes in; invalid input out to the rejected topic with the reason in headers. Valid events
     * come out in two branches: {@code validation-at-home} and {@code validation-away}.
     */
    private static Map<String, KStream<String, Validated>> validate(
            StreamsBuilder builder, ProcessorConfig config, ProcessorMetrics metrics, int rawPartitions) {
        UsageEventParser parser =
                new UsageEventParser(new UsageEventValidator(Clock.systemUTC(), config.maxFutureSkew()));
        Map<String, KStream<String, Validated>> outcome = builder.stream(
                        config.rawTopic(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-source"))
                .process(() -> new ValidateProcessor(parser, rawPartitions, metrics), Named.as("validate"))
                .split(Named.as("validation-"))
                .branch((id, v) -> v.valid() && v.atHome(), Branched.as("at-home"))
                .branch((id, v) -> v.valid(), Branched.as("away"))
                .defaultBranch(Branched.as("rejected"));
        outcome.get("validation-rejected")
                .map((id, v) -> KeyValue.pair(v.originalKey(), v.originalValue()), Named.as("original-bytes"))
                .to(
                        config.rejectedTopic(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("rejected-sink"));
        return outcome;
    }

    /**
     * Drops eventIds seen before, on the task of each event's {@link HomePartition} (keys are not
     * trusted: the home is computed from the eventId in the value). Events keyed by eventId are
     * already there; the others take a detour through {@code by-home-partition} into the same task.
     */
    private static KStream<String, Accepted> dedupe(
            StreamsBuilder builder,
            ProcessorConfig config,
            ProcessorMetrics metrics,
            int rawPartitions,
            Map<String, KStream<String, Validated>> valid) {
        builder.addStateStore(dedupStore(config.dedupRetention()));
        // Validated again on arrival, with a little more future skew: a host whose clock runs behind the
        // one that validated first must not refuse what that one accepted.
        UsageEventParser detour = new UsageEventParser(new UsageEventValidator(
                Clock.systemUTC(), config.maxFutureSkew().plus(DETOUR_CLOCK_MARGIN)));
        KStream<String, Accepted> arrived = valid.get("validation-away")
                .mapValues(Validated::accepted, Named.as("away-event"))
                .repartition(Repartitioned.with(Serdes.String(), Accepted.serde(detour))
                        .withName(BY_HOME_PARTITION)
                        .withNumberOfPartitions(rawPartitions)
                        .withStreamPartitioner(new HomePartition()));
        return valid.get("validation-at-home")
                .mapValues(Validated::accepted, Named.as("at-home-event"))
                .merge(arrived, Named.as("home-events"))
                .process(() -> new DedupProcessor(metrics, config.dedupRetention()), Named.as("dedupe"), DEDUP_STORE);
    }

    /**
     * {@value #DEDUP_STORE}: eventId → the event time of its first copy, filed under a bucket of
     * wall-clock time (see {@link DedupProcessor}). A window store, so that old ids go with whole
     * segments instead of one tombstone each; it keeps two retentions, which makes its segments one
     * retention long (Kafka's default segment interval is half the store's retention): every bucket
     * is one segment, and a lookup is one point get per live segment.
     */
    public static StoreBuilder<WindowStore<String, Long>> dedupStore(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUP_STORE, retention.multipliedBy(2), Duration.ofMillis(1), false),
                Serdes.String(),
                Serdes.Long());
    }

    /**
     * Each priced event adds to one spend delta per scope it belongs to; budgets join the same
     * stream; both are partitioned by scope so one task owns a scope's windows, budget and alerts.
     */
    private static KStream<String, BudgetOutput> aggregateAndAlert(
            StreamsBuilder builder,
            ProcessorConfig config,
            ProcessorMetrics metrics,
            int rawPartitions,
            KStream<String, PricedUsage> priced) {
        SpendStores stores = SpendStores.DEFAULT;
        stores.builders().forEach(builder::addStateStore);
        builder.addStateStore(CommitFlush.builder(SPEND_COMMIT_HOOK));

        // Deltas per scope and hour, combined on this task for aggregate.flush.interval and sent in one
        // batch per owning partition (see DeltaCombiner); by-scope has as many partitions as raw.
        builder.addStateStore(CommitFlush.builder(DELTA_COMMIT_HOOK));
        KStream<String, List<ScopeInput>> spend = priced.process(
                () -> new DeltaCombiner(
                        DELTA_COMMIT_HOOK,
                        rawPartitions,
                        config.zone(),
                        config.aggregateFlushInterval(),
                        config.sessionInactivity()),
                Named.as("combine-deltas"),
                DELTA_COMMIT_HOOK);
        KStream<String, List<ScopeInput>> budgets = builder.stream(
                        config.budgetsTopic(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("budgets-source"))
                .process(BudgetInputProcessor::new, Named.as("budget-input"));
        BudgetBook book = new BudgetBook(config.budgetDefaults());
        return spend.merge(budgets, Named.as("scope-inputs"))
                .repartition(Repartitioned.with(Serdes.String(), AggregateSerdes.scopeInputs())
                        .withName(BY_SCOPE)
                        .withNumberOfPartitions(rawPartitions)
                        .withStreamPartitioner(new ScopePartitioner()))
                .process(
                        () -> new SpendProcessor(
                                stores,
                                SPEND_COMMIT_HOOK,
                                config.aggregateFlushInterval(),
                                config.zone(),
                                config.grace(),
                                config.sessionInactivity(),
                                config.windowRetention(),
                                book,
                                metrics),
                        Named.as("aggregate-and-alert"),
                        stores.spend(),
                        stores.budgets(),
                        stores.alerted(),
                        SPEND_COMMIT_HOOK);
    }

    private static KStream<String, Priced> price(
            ProcessorConfig config, ProcessorMetrics metrics, CatalogState catalog, KStream<String, Accepted> unique) {
        Pricer pricer = new Pricer(config.defaultInputPrice(), config.defaultOutputPrice(), config.freeProviders());
        return unique.process(() -> new PriceProcessor(PRICES_STORE, catalog, pricer, metrics), Named.as("price"));
    }
}
