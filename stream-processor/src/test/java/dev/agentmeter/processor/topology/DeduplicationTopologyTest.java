package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.T0;
import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.aggregate.SpendAggregate;
import dev.agentmeter.processor.aggregate.SpendStores;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract's one idempotency key: an eventId is one event, whatever else its copies say. */
class DeduplicationTopologyTest {

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private void sendKeyed(String key, UsageEvent e) {
        t.raw.pipeInput(key == null ? null : key.getBytes(UTF_8), ContractJson.toBytes(e), e.timestamp());
    }

    private SpendAggregate daySpend(String scope) {
        KeyValueStore<String, SpendAggregate> store = t.driver.getKeyValueStore(SpendStores.DEFAULT.spend());
        return store.get(SpendStores.key(Period.DAY, Instant.parse("2026-11-22T00:00:00Z"), Scope.parse(scope)));
    }

    @Test
    void theSameEventIdWithThreeTimestampsAndTwoRecordKeysIsPricedAndCountedOnce() {
        UsageEvent first = event("e1", "gpt-4o", 400_000, 0); // $1.00
        sendKeyed("e1", first);
        sendKeyed("s1", first.toBuilder().timestamp(T0.plusSeconds(90)).build());
        sendKeyed(
                "e1",
                first.toBuilder()
                        .timestamp(T0.minusSeconds(3600))
                        .sessionId("other-session")
                        .build());

        assertThat(t.priced.readRecordsToList()).extracting(TestRecord::key).containsExactly("e1");
        assertThat(daySpend("user:alice").spendUsd().toPlainString()).isEqualTo("1");
        assertThat(daySpend("user:alice").events()).isEqualTo(1);
        assertThat(t.metrics.count("agentmeter.processor.duplicates")).isEqualTo(2.0);
    }

    @Test
    void theFirstCopyProcessedWins() {
        sendKeyed(
                "e1",
                event("e1", "gpt-4o", 400_000, 0).toBuilder().userId("bob").build());
        sendKeyed(
                "e1",
                event("e1", "gpt-4o", 800_000, 0).toBuilder()
                        .timestamp(T0.plusSeconds(1))
                        .build());

        assertThat(t.priced.readValuesToList()).singleElement().satisfies(p -> {
            assertThat(p.event().userId()).isEqualTo("bob");
            assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("1");
        });
    }

    @Test
    void idsThatDifferOnlyInCaseAreTwoEvents() {
        sendKeyed(null, event("Evt-1", "gpt-4o", 400_000, 0));
        sendKeyed(null, event("evt-1", "gpt-4o", 400_000, 0));

        assertThat(t.priced.readRecordsToList()).extracting(TestRecord::key).containsExactly("Evt-1", "evt-1");
        assertThat(daySpend("global:*").spendUsd().toPlainString()).isEqualTo("2");
    }

    @Test
    void anIdIsRememberedForTheWholeRetention() {
        sendKeyed(null, event("e1", "gpt-4o", 400_000, 0));
        // Just under the 7-day retention later, across a bucket boundary (buckets start 2026-11-25T20:00Z).
        t.driver.advanceWallClockTime(Duration.ofDays(7).minusMillis(1));
        sendKeyed(
                null,
                event("e1", "gpt-4o", 400_000, 0).toBuilder()
                        .timestamp(T0.plusSeconds(1))
                        .build());

        assertThat(t.priced.readRecordsToList()).hasSize(1);
        assertThat(t.metrics.count("agentmeter.processor.duplicates")).isEqualTo(1.0);
    }

    @Test
    void anIdIsForgottenOnceTwoRetentionsHavePassed() {
        sendKeyed(null, event("e1", "gpt-4o", 400_000, 0));
        t.driver.advanceWallClockTime(Duration.ofDays(14));
        sendKeyed(
                null,
                event("e1", "gpt-4o", 400_000, 0).toBuilder()
                        .timestamp(T0.plusSeconds(1))
                        .build());

        assertThat(t.priced.readRecordsToList()).hasSize(2);
    }
}
