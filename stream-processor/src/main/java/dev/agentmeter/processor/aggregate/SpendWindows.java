package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The spend store as the aggregator reads and writes it: a write-back cache in front of the
 * store, and the expiry of windows no event can reach any more.
 *
 * <p><b>Write-back.</b> Updated aggregates are kept as objects and written to the store only by
 * {@link #write()}, which the aggregator runs on every commit ({@link CommitFlush}: inside the
 * transaction that commits the inputs they came from) and every flush interval between commits. A
 * window is updated about once per combiner flush, so writing through a store cache serialised
 * and deserialised nearly every aggregate twice for nothing. Queries read the store, so they see
 * spend up to one more flush interval late than the combiner already makes them.
 *
 * <p><b>Recent windows.</b> The windows written last stay in memory (bounded): the open windows of
 * active scopes are updated again after every flush, and reading them back from RocksDB (and
 * deserialising) was most of an update's cost. The store stays the truth: a window not here is
 * read from it.
 *
 * <p>An instance lives as long as one initialisation of its task: a task revived after an error
 * gets a new one, so what it held unwritten, never committed, is gone with it.
 */
final class SpendWindows {

    /** Windows kept as objects after they are written (~300 bytes each). */
    static final int RECENT_WINDOWS = 20_000;
    /**
     * At most this many entries are deleted per expiry run. The deletes and their changelog records
     * belong to one transaction, which the broker aborts after {@code transaction.timeout.ms} (10 s
     * under exactly-once by default): 2M deletes took 24 s in RocksDB here, and an aborted run would
     * be retried forever. What is left goes in the next runs, every {@link #EXPIRY_INTERVAL} of
     * stream time (up to 600k windows per task and hour).
     */
    static final int MAX_EXPIRED_PER_RUN = 100_000;

    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(10);

    /** The calendar periods, whose windows have a start in their key (SESSION's has none). */
    static final List<Period> CALENDAR = List.of(Period.HOUR, Period.DAY, Period.MONTH);

    private final KeyValueStore<String, SpendAggregate> spend;
    /** The alert marks, which go with the windows they were raised for. */
    private final KeyValueStore<String, Long> alerted;
    /** How long closed windows stay queryable in the processor, by period (history lives in Postgres). */
    private final Map<Period, Duration> retention;

    private final Duration grace;
    private final Duration sessionInactivity;
    /** Aggregates updated since the last write to the spend store, by store key. */
    private final Map<String, SpendAggregate> unwritten = new HashMap<>();
    /** The windows written last; least recently used ones are dropped beyond {@link #RECENT_WINDOWS}. */
    private final Map<String, SpendAggregate> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpendAggregate> eldest) {
            return size() > RECENT_WINDOWS;
        }
    };
    /** Deletes the running expiry run may still make (see {@link #MAX_EXPIRED_PER_RUN}). */
    private int expiryBudget;

    SpendWindows(
            KeyValueStore<String, SpendAggregate> spend,
            KeyValueStore<String, Long> alerted,
            Map<Period, Duration> retention,
            Duration grace,
            Duration sessionInactivity) {
        this.spend = spend;
        this.alerted = alerted;
        this.retention = Map.copyOf(retention);
        this.grace = grace;
        this.sessionInactivity = sessionInactivity;
    }

    /** The aggregate as last updated: unwritten, else recent, else from the store (null if the window has none). */
    SpendAggregate get(String key) {
        SpendAggregate agg = unwritten.get(key);
        if (agg == null) {
            agg = recent.get(key);
        }
        return agg != null ? agg : spend.get(key);
    }

    /** Updates a window; the store sees it at the next {@link #write()}. */
    void put(String key, SpendAggregate agg) {
        unwritten.put(key, agg);
    }

    /**
     * Writes the updated aggregates to the spend store (and its changelog) in one RocksDB write
     * batch: a put per window went through RocksDB's whole write path (write group, mutex, version
     * bookkeeping) once for each of the thousands of windows a busy commit updates (see
     * {@code PERFORMANCE.md}).
     */
    void write() {
        if (unwritten.isEmpty()) {
            return;
        }
        List<KeyValue<String, SpendAggregate>> batch = new ArrayList<>(unwritten.size());
        unwritten.forEach((key, agg) -> batch.add(KeyValue.pair(key, agg)));
        spend.putAll(batch);
        recent.putAll(unwritten);
        unwritten.clear();
    }

    /**
     * Drops windows (and their alert marks) old enough that no event can reach them any more, at
     * most {@link #MAX_EXPIRED_PER_RUN} entries per run. Writes what is unwritten first, so that the
     * store holds every window before old ones are dropped from it.
     */
    void expire(long streamTime) {
        write();
        recent.clear(); // every 10 min of stream time; the open windows are read back once
        expiryBudget = MAX_EXPIRED_PER_RUN;
        Instant now = Instant.ofEpochMilli(streamTime);
        for (Period period : CALENDAR) {
            expire(period, now.minus(retention.get(period)).minus(grace));
        }
        expireSessions(now.minus(retention.get(Period.SESSION)).minus(grace).minus(sessionInactivity));
    }

    private void expire(Period period, Instant before) {
        for (KeyValueStore<String, ?> store : List.of(spend, alerted)) {
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, ?> it =
                    store.range(SpendStores.rangeStart(period), SpendStores.rangeEnd(period, before))) {
                while (it.hasNext() && old.size() < expiryBudget) {
                    old.add(it.next().key);
                }
            }
            old.forEach(store::delete);
            expiryBudget -= old.size();
        }
    }

    /**
     * Drops SESSION windows whose last event lies before {@code lastEventBefore}: no event can join
     * them any more (a later one is more than grace late or starts a new session). A session's
     * alert marks go when the window they were raised for is no longer its current one: a session
     * replaced by a newer one after a gap is never updated again. Session keys carry no time, so
     * this reads every session window once per expiry run (1.7 s for 1M sessions in RocksDB here).
     */
    private void expireSessions(Instant lastEventBefore) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, SpendAggregate> it =
                spend.prefixScan(SpendStores.rangeStart(Period.SESSION), new StringSerializer())) {
            while (it.hasNext() && old.size() < expiryBudget) {
                KeyValue<String, SpendAggregate> kv = it.next();
                if (kv.value.lastEventAt().isBefore(lastEventBefore)) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(spend::delete);
        expiryBudget -= old.size();
        List<String> deadMarks = new ArrayList<>();
        try (KeyValueIterator<String, Long> it =
                alerted.prefixScan(SpendStores.rangeStart(Period.SESSION), new StringSerializer())) {
            while (it.hasNext() && deadMarks.size() < expiryBudget) {
                String key = it.next().key;
                SpendStores.SessionMark mark = SpendStores.sessionMark(key);
                SpendAggregate current = spend.get(SpendStores.sessionKey(mark.scope()));
                if (current == null || !current.windowStart().equals(mark.windowStart())) {
                    deadMarks.add(key);
                }
            }
        }
        deadMarks.forEach(alerted::delete);
        expiryBudget -= deadMarks.size();
    }
}
