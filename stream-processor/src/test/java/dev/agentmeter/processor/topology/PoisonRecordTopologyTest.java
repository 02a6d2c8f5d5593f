package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.aggregate.AggregateSerdes;
import dev.agentmeter.processor.aggregate.ScopeInput;
import dev.agentmeter.processor.aggregate.SpendDelta;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One record is one unit of failure: a record no step can use goes to the rejected topic with the
 * reason and the stage, and the record after it is processed as if nothing happened.
 */
class PoisonRecordTopologyTest {

    private final TopologyFixture t = new TopologyFixture(Map.of(), StreamsConfig.AT_LEAST_ONCE);

    @AfterEach
    void close() {
        t.close();
    }

    private static String header(Headers h, String name) {
        return h.lastHeader(name) == null ? null : new String(h.lastHeader(name).value(), UTF_8);
    }

    private String validEvent(String id) {
        return ContractJson.toJson(event(id, "gpt-4o", 1000, 100));
    }

    @Test
    void aProviderCostOfOneETenThousandIsRejectedAndTheNextEventIsPriced() {
        t.sendBytes(
                "k",
                validEvent("poison")
                        .replace("\"agent\":\"triage\"", "\"agent\":\"triage\",\"providerCostUsd\":\"1e10000\""));
        t.sendBytes("k", validEvent("next"));

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("providerCostUsd");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_STAGE)).isEqualTo("validate");
        assertThat(t.priced.readRecord().value().cost().totalUsd().toPlainString())
                .isEqualTo("0.0035");
        assertThat(t.priced.isEmpty()).isTrue();
    }

    @Test
    void aBudgetWithANegativeLimitIsRejectedWithItsFieldAndTheNextBudgetApplies() {
        t.budgetsRaw.pipeInput("user:alice", "{\"scope\":\"user:alice\",\"limits\":{\"DAY\":\"-5\"}}".getBytes(UTF_8));

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(new String(r.key(), UTF_8)).isEqualTo("user:alice");
        assertThat(new String(r.value(), UTF_8)).isEqualTo("{\"scope\":\"user:alice\",\"limits\":{\"DAY\":\"-5\"}}");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("limits.DAY");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_REASON))
                .isEqualTo("limits.DAY is -5; a cost cannot be negative");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_STAGE)).isEqualTo("budget-input");
        assertThat(header(r.headers(), Topics.HEADER_SOURCE_TOPIC)).isEqualTo(Topics.BUDGETS);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "stage", "budget-input", "reason", "nonNegative"))
                .isEqualTo(1.0);
    }

    @Test
    void aBudgetThatIsNotJsonIsRejectedNotSkipped() {
        t.budgetsRaw.pipeInput("user:alice", "{\"scope\":".getBytes(UTF_8));

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(header(r.headers(), Topics.HEADER_ERROR_RULE)).isEqualTo("json");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_STAGE)).isEqualTo("budget-input");
    }

    @Test
    void aBudgetNamingAScopeThatIsNoneIsRejectedWithTheField() {
        t.budgetsRaw.pipeInput("x", "{\"scope\":\"nobody\",\"limits\":{\"DAY\":\"5\"}}".getBytes(UTF_8));

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("scope");
    }

    @Test
    void aPriceOutOfBoundsIsRejectedAndTheModelKeepsItsPrice() {
        t.pricesRaw.pipeInput(
                "gpt-4o",
                ("{\"modelKey\":\"gpt-4o\",\"prices\":[{\"effectiveFrom\":\"2024-01-01T00:00:00Z\","
                                + "\"inputPerMTok\":\"1e10000\",\"outputPerMTok\":\"10\"}]}")
                        .getBytes(UTF_8));
        t.sendBytes("k", validEvent("after"));

        assertThat(t.priceRejections).hasSize(1);
        ProducerRecord<byte[], byte[]> r = t.priceRejections.get(0);
        assertThat(r.topic()).isEqualTo(Topics.USAGE_REJECTED);
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("prices[0].inputPerMTok");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_STAGE)).isEqualTo("prices");
        assertThat(header(r.headers(), Topics.HEADER_SOURCE_TOPIC)).isEqualTo(Topics.PRICES);
        assertThat(t.priced.readRecord().value().cost().totalUsd().toPlainString())
                .as("gpt-4o still at the bundled $2.50/$10")
                .isEqualTo("0.0035");
    }

    @Test
    void garbageOnTheByScopeRepartitionTopicIsRejectedAndTheTaskGoesOn() {
        TestInputTopic<byte[], byte[]> byScope = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_SCOPE + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        byScope.pipeInput("user:alice".getBytes(UTF_8), new byte[] {9, 9, 9});
        t.sendBytes("k", validEvent("after"));

        List<TestRecord<byte[], byte[]>> rejected = t.rejected.readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(header(rejected.get(0).headers(), Topics.HEADER_ERROR_STAGE))
                .isEqualTo("deserialize:topology-test-by-scope-repartition");
        assertThat(t.priced.readRecord().value().event().eventId()).isEqualTo("after");
    }

    @Test
    void garbageOnTheByHomePartitionRepartitionTopicIsRejectedAndTheTaskGoesOn() {
        TestInputTopic<byte[], byte[]> byHome = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_HOME_PARTITION + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        byHome.pipeInput("e".getBytes(UTF_8), "{\"not\":\"an accepted event\"".getBytes(UTF_8));
        t.sendBytes("k", validEvent("after"));

        assertThat(t.rejected.readRecordsToList()).hasSize(1);
        assertThat(t.priced.readRecord().value().event().eventId()).isEqualTo("after");
    }

    @Test
    void anInvalidEventOnTheByHomePartitionTopicIsRejectedNamingItsFieldNotPriced() {
        TestInputTopic<byte[], byte[]> byHome = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_HOME_PARTITION + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        // Well-formed JSON the raw path would refuse (no agent): the detour used to read it unchecked.
        byHome.pipeInput(
                "e".getBytes(UTF_8),
                validEvent("no-agent").replace("\"agent\":\"triage\",", "").getBytes(UTF_8));
        t.sendBytes("k", validEvent("after"));

        List<TestRecord<byte[], byte[]>> rejected = t.rejected.readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(header(rejected.get(0).headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("agent");
        assertThat(header(rejected.get(0).headers(), Topics.HEADER_ERROR_STAGE))
                .isEqualTo("deserialize:topology-test-by-home-partition-repartition");
        assertThat(t.priced.readValuesToList())
                .extracting(p -> p.event().eventId())
                .containsExactly("after");
    }

    @Test
    void aDeltaWithANegativeCostOnTheByScopeTopicIsRejected() {
        TestInputTopic<byte[], byte[]> byScope = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_SCOPE + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        SpendDelta negative =
                new SpendDelta("e1", TopologyFixture.T0, TopologyFixture.T0, new BigDecimal("-5"), 1, 0, 0, 0, 0, 0, 0);
        byScope.pipeInput(
                "user:alice".getBytes(UTF_8),
                AggregateSerdes.scopeInputs()
                        .serializer()
                        .serialize("t", List.of(ScopeInput.spend(Scope.of(ScopeType.USER, "alice"), negative))));

        List<TestRecord<byte[], byte[]>> rejected = t.rejected.readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(header(rejected.get(0).headers(), Topics.HEADER_ERROR_REASON))
                .contains("delta cost of -5");
    }

    @Test
    void aBudgetTheBudgetsTopicWouldRefuseIsRejectedOnTheByScopeTopic() {
        TestInputTopic<byte[], byte[]> byScope = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_SCOPE + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        Scope alice = Scope.of(ScopeType.USER, "alice");
        Budget negative = ContractJson.fromBytes(
                "{\"scope\":\"user:alice\",\"limits\":{\"DAY\":\"-5\"}}".getBytes(UTF_8), Budget.class);
        byScope.pipeInput(
                "user:alice".getBytes(UTF_8),
                AggregateSerdes.scopeInputs().serializer().serialize("t", List.of(ScopeInput.budget(alice, negative))));

        List<TestRecord<byte[], byte[]>> rejected = t.rejected.readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(header(rejected.get(0).headers(), Topics.HEADER_ERROR_REASON))
                .contains("a budget the budgets topic would have refused: limits.DAY is -5");
    }
}
