package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.json.ContractSerdes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Names and key layout of the aggregator's stores. Spend keys are {@code PERIOD|windowStart|scope}
 * so that one window's scopes are one prefix (top-N queries) and old windows one range (expiry);
 * the open SESSION window of a session is {@code SESSION|scope}.
 */
public record SpendStores(String spend, String budgets, String alerted) {

    public static final SpendStores DEFAULT = new SpendStores("spend-store", "budget-store", "alerted-store");

    /**
     * The three stores, persistent and logged. Spend and budgets are not cached: the aggregator
     * writes each updated window once per commit and keeps the budgets in memory itself (see
     * {@link SpendWindows}, {@link SpendProcessor}). Alert marks stay cached: they are looked up for
     * every delta to a window past a threshold.
     */
    public List<StoreBuilder<?>> builders() {
        return List.of(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(spend),
                                Serdes.String(),
                                AggregateSerdes.spendAggregate())
                        .withCachingDisabled(),
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(budgets), Serdes.String(), ContractSerdes.budget())
                        .withCachingDisabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(alerted), Serdes.String(), Serdes.Long())
                        .withCachingEnabled());
    }

    /** Window starts repeat for every event of a window: their ISO text is formatted once. */
    private static final Map<Instant, String> INSTANT_TEXT = new ConcurrentHashMap<>();

    public static String key(Period period, Instant windowStart, Scope scope) {
        return key(period, windowStart, scope.toString());
    }

    static String key(Period period, Instant windowStart, String scope) {
        return period + "|" + text(windowStart) + "|" + scope;
    }

    /**
     * The scope of a spend key within the window {@code windowPrefix} names: everything after the
     * prefix, so that an id holding {@code |} itself is read whole.
     */
    public static Scope scopeOf(String key, String windowPrefix) {
        return Scope.parse(key.substring(windowPrefix.length()));
    }

    public static String windowPrefix(Period period, Instant windowStart) {
        return period + "|" + text(windowStart) + "|";
    }

    private static String text(Instant instant) {
        String text = INSTANT_TEXT.get(instant);
        if (text == null) {
            if (INSTANT_TEXT.size() > 10_000) {
                INSTANT_TEXT.clear(); // bounded: old windows are not looked up again
            }
            text = instant.toString();
            INSTANT_TEXT.put(instant, text);
        }
        return text;
    }

    public static String sessionKey(Scope scope) {
        return Period.SESSION + "|" + scope;
    }

    static String alertedKey(Period period, Instant windowStart, String scope, BigDecimal threshold) {
        return key(period, windowStart, scope) + "|" + threshold.toPlainString();
    }

    /** A SESSION window's alert mark, {@code SESSION|windowStart|scope|threshold}, read back. */
    record SessionMark(Scope scope, Instant windowStart) {}

    static SessionMark sessionMark(String alertedKey) {
        int start = Period.SESSION.name().length() + 1;
        int afterInstant = alertedKey.indexOf('|', start);
        int beforeThreshold = alertedKey.lastIndexOf('|');
        return new SessionMark(
                Scope.parse(alertedKey.substring(afterInstant + 1, beforeThreshold)),
                Instant.parse(alertedKey.substring(start, afterInstant)));
    }

    static String rangeStart(Period period) {
        return period + "|";
    }

    /** Window starts are whole hours, so their ISO forms have one length and sort in time order. */
    static String rangeEnd(Period period, Instant before) {
        return period + "|" + before + "|";
    }
}
