package dev.agentmeter.processor.query;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.CalendarWindow;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Money;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.SpendView;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.processor.aggregate.SpendAggregate;
import dev.agentmeter.processor.aggregate.SpendStores;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.topology.UsageTopology;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads this instance's state stores; {@link QueryServer} routes each request to the owning instance. */
public final class SpendQueries {

    private final KafkaStreams streams;
    private final ZoneId zone;
    private final BudgetBook budgets;
    private final HostInfo self;

    public SpendQueries(KafkaStreams streams, ZoneId zone, BudgetBook budgets, HostInfo self) {
        this.streams = streams;
        this.zone = zone;
        this.budgets = budgets;
        this.self = self;
    }

    /**
     * The scope's spend in the {@code period} window containing {@code at}: in its budget's zone
     * when its own budget names one (the window that budget is checked against), else in the
     * processor's zone.
     */
    public SpendView spend(Scope scope, Period period, Instant at) {
        Budget own = budgetStore().get(scope.toString());
        return spend(scope, period, at, own, own == null ? zone : own.zoneOr(zone));
    }

    private SpendView spend(Scope scope, Period period, Instant at, Budget own, ZoneId windowZone) {
        SpendAggregate agg;
        Instant start;
        Instant end;
        if (period == Period.SESSION) {
            agg = spendStore().get(SpendStores.sessionKey(scope));
            start = agg == null ? null : agg.windowStart();
            end = null;
        } else {
            CalendarWindow w = CalendarWindow.of(period, at, windowZone);
            agg = spendStore().get(SpendStores.key(period, w.start(), scope));
            start = w.start();
            end = w.end();
        }
        if (agg == null) {
            agg = SpendAggregate.empty(start, end);
        }
        BudgetBook.Limit limit = budgets.limit(scope, own, period);
        BigDecimal remaining = null;
        List<BigDecimal> crossed = new ArrayList<>();
        if (limit != null) {
            remaining =
                    Money.normalise(limit.limitUsd().subtract(agg.spendUsd()).max(BigDecimal.ZERO));
            for (BigDecimal t : limit.thresholds()) {
                if (agg.spendUsd().compareTo(limit.limitUsd().multiply(t)) >= 0) {
                    crossed.add(t);
                }
            }
        }
        return new SpendView(
                scope.toString(),
                period.name(),
                start,
                end,
                agg.spendUsd(),
                agg.events(),
                new SpendView.Tokens(
                        agg.inputTokens(),
                        agg.outputTokens(),
                        agg.cacheReadTokens(),
                        agg.cacheWriteTokens(),
                        agg.reasoningTokens()),
                agg.errors(),
                limit == null ? null : limit.limitUsd(),
                remaining,
                crossed);
    }

    /** This instance's scopes of one type in the window containing {@code at}, highest spend first. */
    public List<SpendView> top(ScopeType type, Period period, Instant at, int limit) {
        if (!hostsSpendStore()) {
            // The assignor may leave an instance without active aggregate tasks: it holds no scopes.
            return List.of();
        }
        Instant start = CalendarWindow.of(period, at, zone).start();
        String window = SpendStores.windowPrefix(period, start);
        String prefix = window + type.wireName() + ":";
        List<SpendView> out = new ArrayList<>();
        try (KeyValueIterator<String, SpendAggregate> it = spendStore().prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, SpendAggregate> kv = it.next();
                Scope scope = SpendStores.scopeOf(kv.key, window);
                // Ranked in one zone, the processor's: the windows listed are its.
                out.add(spend(scope, period, at, budgetStore().get(scope.toString()), zone));
            }
        }
        out.sort(Comparator.comparing(SpendView::spendUsd).reversed().thenComparing(SpendView::scope));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** The catalog entry a model resolves to (every instance holds the whole catalog). */
    public Optional<ModelPrice> price(String model) {
        ReadOnlyKeyValueStore<String, ModelPrice> store = streams.store(
                StoreQueryParameters.fromNameAndType(UsageTopology.PRICES_STORE, QueryableStoreTypes.keyValueStore()));
        List<ModelPrice> all = new ArrayList<>();
        try (KeyValueIterator<String, ModelPrice> it = store.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return new PriceCatalog(all).find(model);
    }

    private boolean hostsSpendStore() {
        return streams.streamsMetadataForStore(SpendStores.DEFAULT.spend()).stream()
                .anyMatch(m -> m.hostInfo().equals(self) && !m.topicPartitions().isEmpty());
    }

    private ReadOnlyKeyValueStore<String, SpendAggregate> spendStore() {
        return streams.store(
                StoreQueryParameters.fromNameAndType(SpendStores.DEFAULT.spend(), QueryableStoreTypes.keyValueStore()));
    }

    private ReadOnlyKeyValueStore<String, Budget> budgetStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                SpendStores.DEFAULT.budgets(), QueryableStoreTypes.keyValueStore()));
    }
}
