package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.T0;
import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ids that earlier builds stored in {@code dedup-store} (eventId first) are still duplicates after
 * the upgrade to {@code dedup-by-time-store}, until they leave the retention. The driver's wall
 * clock is {@link TopologyFixture#T0}.
 */
class DedupUpgradeTopologyTest {

    private static final long T0_MS = T0.toEpochMilli();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private TopologyFixture t;

    @AfterEach
    void close() {
        t.close();
    }

    private WindowStore<String, Long> legacy() {
        return t.driver.getWindowStore(UsageTopology.LEGACY_DEDUP_STORE);
    }

    /** The cutover entries in the old store, as (window time, value). */
    private List<KeyValue<Long, Long>> cutover() {
        List<KeyValue<Long, Long>> all = new ArrayList<>();
        try (WindowStoreIterator<Long> it = legacy().fetch(DedupProcessor.CUTOVER_KEY, 0L, Long.MAX_VALUE)) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    private List<String> pricedIds() {
        return t.priced.readRecordsToList().stream().map(TestRecord::key).toList();
    }

    @Test
    void anIdStoredBeforeTheUpgradeIsStillADuplicateAndTheBoundIsKept() {
        t = new TopologyFixture(); // max.future.skew PT24H
        legacy().put("old", T0_MS, T0_MS);

        t.send(event("old", "gpt-4o", 1000, 100));
        t.send(event("new", "gpt-4o", 1000, 100));
        t.send(event("new", "gpt-4o", 1000, 100));

        assertThat(pricedIds()).containsExactly("new");
        assertThat(t.metrics.count("agentmeter.processor.duplicates")).isEqualTo(2.0);
        // Every old id is at most the wall clock + 24 h skew + 1 h allowance; kept at the first event's time.
        assertThat(cutover()).containsExactly(KeyValue.pair(T0_MS, T0_MS + 25 * HOUR));
    }

    @Test
    void aNewDeploymentNeitherWritesNorReadsTheOldStore() {
        t = new TopologyFixture();
        t.send(event("e1", "gpt-4o", 1000, 100));
        // Decided "empty" at the first event: an id put there afterwards is not looked up.
        legacy().put("e2", T0_MS, T0_MS);
        t.send(event("e2", "gpt-4o", 1000, 100));

        assertThat(pricedIds()).containsExactly("e1", "e2");
        assertThat(cutover()).isEmpty();
    }

    @Test
    void aStoredBoundIsUsedAfterARestartInsteadOfANewOne() {
        t = new TopologyFixture();
        // Stored by an earlier start: old ids are at most T0 + 1 h. A new bound would be T0 + 25 h.
        legacy().put(DedupProcessor.CUTOVER_KEY, T0_MS + HOUR, T0_MS);
        legacy().put("below", T0_MS, T0_MS);
        legacy().put("above", T0_MS + 2 * HOUR, T0_MS + 2 * HOUR);

        t.send(event("below", "gpt-4o", 1000, 100));
        t.send(event("above", "gpt-4o", 1000, 100).toBuilder().timestamp(T0.plus(Duration.ofHours(2))).build());

        assertThat(pricedIds()).containsExactly("above");
        assertThat(cutover()).containsExactly(KeyValue.pair(T0_MS, T0_MS + HOUR));
    }

    @Test
    void aRetiredOldStoreIsNotReadAfterARestart() {
        t = new TopologyFixture();
        legacy().put(DedupProcessor.CUTOVER_KEY, T0_MS + HOUR, T0_MS - 3 * HOUR);
        legacy().put(DedupProcessor.CUTOVER_KEY, Long.MIN_VALUE, T0_MS - HOUR);
        legacy().put("e1", T0_MS, T0_MS);

        t.send(event("e1", "gpt-4o", 1000, 100));

        assertThat(pricedIds()).containsExactly("e1");
    }

    /**
     * Retention 1 h (segments of 30 min), no future skew: old ids are at most T0 + 1 h. Events more
     * than an hour past that no longer look there; half an hour later (a segment) the old store is
     * retired, which drops its segments.
     */
    @Test
    void onceTheOldIdsHaveLeftTheRetentionTheOldStoreIsRetiredAndItsSegmentsDropped() {
        t = new TopologyFixture(Map.of("dedup.retention", "PT1H", "max.future.skew", "PT0S"));
        legacy().put("old", T0_MS, T0_MS);
        t.send(event("e1", "gpt-4o", 1000, 100));
        assertThat(cutover()).containsExactly(KeyValue.pair(T0_MS, T0_MS + HOUR));

        t.send(event("e2", "gpt-4o", 1000, 100).toBuilder().timestamp(at(2 * HOUR + 29 * 60_000)).build());
        assertThat(legacy().fetch("old", T0_MS)).isEqualTo(T0_MS); // not read any more, not yet retired

        t.send(event("e3", "gpt-4o", 1000, 100).toBuilder().timestamp(at(2 * HOUR + 31 * 60_000)).build());
        long retiredAt = T0_MS + 2 * HOUR + 31 * 60_000;
        assertThat(cutover()).containsExactly(KeyValue.pair(retiredAt, Long.MIN_VALUE));
        try (var all = legacy().all()) {
            assertThat(all.hasNext()).isTrue();
            assertThat(all.next().key.key()).isEqualTo(DedupProcessor.CUTOVER_KEY);
            assertThat(all.hasNext()).isFalse();
        }
        assertThat(pricedIds()).containsExactly("e1", "e2", "e3");
    }

    private static Instant at(long afterT0Ms) {
        return T0.plusMillis(afterT0Ms);
    }
}
