package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.hostile.HostileDocuments;
import dev.agentmeter.model.hostile.HostileOutcomes;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.UsageEventValidator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole topology under hostile input on every topic it reads (raw, prices, budgets and its
 * two repartition topics), with valid events interleaved: no exception escapes, every raw record
 * is priced exactly once or rejected with a reason naming a field, every valid event is priced at
 * its exact cost, and the topology still prices afterwards. At least once: the driver keeps a
 * deserialisation failure's dead letter in a transaction it never commits (see TopologyFixture).
 */
class HostileTopologyTest {

    private static final UsageEventParser PARSER = new UsageEventParser(new UsageEventValidator());
    private final TopologyFixture t = new TopologyFixture(Map.of(), StreamsConfig.AT_LEAST_ONCE);

    @AfterEach
    void close() {
        t.close();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return r.headers().lastHeader(name) == null
                ? null
                : new String(r.headers().lastHeader(name).value(), UTF_8);
    }

    @Test
    void everyRawRecordIsPricedOnceOrRejectedNamingAFieldAndValidOnesAtTheirExactCost() {
        long seed = HostileDocuments.seed();
        HostileDocuments documents = new HostileDocuments(seed);
        HostileOutcomes outcomes = new HostileOutcomes("topology (raw)", seed);
        int valid = 0;
        Set<String> seen = new HashSet<>();
        for (HostileDocuments.Document d : documents.next(1500)) {
            ObjectNode good = documents.validEvent();
            t.raw.pipeInput(null, d.bytes());
            List<PricedUsage> priced = t.priced.readValuesToList();
            List<TestRecord<byte[], byte[]>> rejected = t.rejected.readRecordsToList();
            priced.forEach(p -> seen.add(p.event().eventId()));
            if (priced.isEmpty() && rejected.isEmpty()) {
                // A valid event whose eventId came before (a hostile id such as 1700000000, read as text): a duplicate.
                UsageEventParser.Result r = PARSER.parse(d.bytes());
                assertThat(r.valid() && seen.contains(r.event().eventId()))
                        .as("dropped only as a duplicate: %s", d)
                        .isTrue();
                outcomes.count(d, "duplicate");
                continue;
            }
            outcomes.count(d, priced.size() + " priced, " + rejected.size() + " rejected");
            assertThat(priced.size() + rejected.size())
                    .as("one outcome for %s", d)
                    .isEqualTo(1);
            for (TestRecord<byte[], byte[]> r : rejected) {
                assertThat(header(r, Topics.HEADER_ERROR_FIELD))
                        .as("field named for %s", d)
                        .isNotEmpty();
                assertThat(header(r, Topics.HEADER_ERROR_REASON)).isNotBlank();
                assertThat(r.value()).as("the original bytes").isEqualTo(d.bytes());
            }

            t.raw.pipeInput(null, good.toString().getBytes(UTF_8));
            PricedUsage p = t.priced.readValue();
            assertThat(p.event().eventId()).isEqualTo(good.get("eventId").asText());
            assertThat(p.cost().totalUsd())
                    .isEqualByComparingTo(HostileDocuments.gpt4oCost(
                            good.at("/usage/inputTokens").asLong(),
                            good.at("/usage/outputTokens").asLong()));
            assertThat(t.rejected.isEmpty()).isTrue();
            valid++;
        }
        System.out.println(outcomes + "\n  and " + valid + " valid events between them, each priced exactly");
    }

    @Test
    void hostileBudgetsPricesAndRepartitionRecordsAreRejectedAndPricingGoesOn() {
        long seed = HostileDocuments.seed();
        HostileDocuments documents = new HostileDocuments(seed);
        SplittableRandom random = new SplittableRandom(seed);
        TestInputTopic<byte[], byte[]> byScope = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_SCOPE + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        TestInputTopic<byte[], byte[]> byHome = t.driver.createInputTopic(
                "topology-test-" + UsageTopology.BY_HOME_PARTITION + "-repartition",
                new ByteArraySerializer(),
                new ByteArraySerializer());
        int budgetsRejected = 0;
        int internalRejected = 0;
        for (HostileDocuments.Document d : documents.next(300)) {
            t.budgetsRaw.pipeInput("user:alice", d.bytes());
            budgetsRejected += t.rejected.readRecordsToList().size();
            t.pricesRaw.pipeInput("gpt-4o", d.bytes());
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            byScope.pipeInput("user:alice".getBytes(UTF_8), garbage);
            byHome.pipeInput("e".getBytes(UTF_8), d.bytes());
            internalRejected += t.rejected.readRecordsToList().size();
        }
        ObjectNode good = documents.validEvent();
        t.priced.readValuesToList();
        t.raw.pipeInput(null, good.toString().getBytes(UTF_8));

        System.out.println("hostile input at the topology (budgets, prices, repartition topics), seed " + seed + ": "
                + budgetsRejected + " of 300 budgets rejected, " + t.priceRejections.size()
                + " of 300 prices rejected, "
                + internalRejected + " of 600 repartition records rejected");
        assertThat(budgetsRejected).as("not one generated document is a budget").isEqualTo(300);
        assertThat(t.priceRejections).as("nor a price").hasSize(300);
        assertThat(internalRejected).isBetween(300, 600);
        assertThat(t.priced.readValue().cost().totalUsd())
                .as("gpt-4o still at its bundled price")
                .isEqualByComparingTo(HostileDocuments.gpt4oCost(
                        good.at("/usage/inputTokens").asLong(),
                        good.at("/usage/outputTokens").asLong()));
    }
}
