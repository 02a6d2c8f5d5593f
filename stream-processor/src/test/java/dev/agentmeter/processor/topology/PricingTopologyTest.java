package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.T0;
import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Samples;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PricingTopologyTest {

    /** The contract's UsageEvent example, timestamped at the driver's start. */
    private static final String CONTRACT_EXAMPLE =
            Samples.CONTRACT_EVENT_JSON.replace("2026-11-22T10:15:30.123Z", T0.toString());

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private static String header(Headers h, String name) {
        return new String(h.lastHeader(name).value(), UTF_8);
    }

    @Test
    void validEventIsPricedAndKeyedByEventId() {
        t.send(event("e1", "anthropic.claude-sonnet-4-5-20250929-v1:0", 1000, 500));

        TestRecord<String, PricedUsage> out = t.priced.readRecord();
        assertThat(out.key()).isEqualTo("e1");
        assertThat(out.value().cost().totalUsd().toPlainString()).isEqualTo("0.0105");
        assertThat(out.value().pricing().source()).isEqualTo(CostSource.CATALOG);
        assertThat(out.value().event().userId()).isEqualTo("alice");
        assertThat(out.value().pricedAt()).isEqualTo(T0);
        assertThat(t.priced.isEmpty()).isTrue();
        assertThat(t.metrics.count("agentmeter.processor.priced", "source", "catalog", "model", "claude-sonnet-4-5"))
                .isEqualTo(1.0);
    }

    @Test
    void nonJsonIsRejectedWithOriginalBytesAndErrorHeaders() {
        t.sendBytes("k1", "not json at all");

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(new String(r.key(), UTF_8)).isEqualTo("k1");
        assertThat(new String(r.value(), UTF_8)).isEqualTo("not json at all");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_REASON)).startsWith("the record is not valid JSON");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEmpty();
        assertThat(header(r.headers(), Topics.HEADER_SOURCE_TOPIC)).isEqualTo("agentmeter.usage.raw");
        assertThat(header(r.headers(), Topics.HEADER_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(r.headers(), Topics.HEADER_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(t.priced.isEmpty()).isTrue();
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "json"))
                .isEqualTo(1.0);
    }

    @Test
    void cacheAboveInputIsRejectedWithTheContractSentence() {
        t.send(event("e1", "gpt-4o", 1000, 10).toBuilder()
                .usage(new Usage(1000, 10, 1200, 0, 0, 0, false))
                .build());

        TestRecord<byte[], byte[]> r = t.rejected.readRecord();
        assertThat(header(r.headers(), Topics.HEADER_ERROR_REASON))
                .isEqualTo(
                        "usage.cacheReadTokens (1200) exceeds usage.inputTokens (1000); inputTokens must include cache reads and writes");
        assertThat(header(r.headers(), Topics.HEADER_ERROR_FIELD)).isEqualTo("usage.cacheReadTokens");
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "cacheWithinInput"))
                .isEqualTo(1.0);
    }

    @Test
    void eachRejectionReasonIsCountedByRule() {
        String ok = ContractJson.toJson(event("e1", "gpt-4o", 10, 10));
        t.sendBytes(null, ok.replace("\"inputTokens\":10", "\"inputTokens\":-5"));
        t.sendBytes(null, ok.replace("\"eventId\":\"e1\",", ""));
        t.sendBytes(null, ok.replace("\"inputTokens\":10", "\"inputTokens\":\"ten\""));
        t.sendBytes(null, ok.replace("2026-11-22T10:00:00Z", "2099-01-01T00:00:00Z"));
        t.sendBytes(null, ok.replace("\"agent\":\"triage\"", "\"agent\":\"" + "x".repeat(10_000) + "\""));
        t.sendBytes(null, "");

        List<String> fields = t.rejected.readRecordsToList().stream()
                .map(r -> header(r.headers(), Topics.HEADER_ERROR_FIELD))
                .toList();
        assertThat(fields)
                .containsExactly("usage.inputTokens", "eventId", "usage.inputTokens", "timestamp", "agent", "");
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "nonNegative"))
                .isEqualTo(1.0);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "required"))
                .isEqualTo(1.0);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "type"))
                .isEqualTo(1.0);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "notInFuture"))
                .isEqualTo(1.0);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "length"))
                .isEqualTo(1.0);
        assertThat(t.metrics.count("agentmeter.processor.rejected", "reason", "json"))
                .isEqualTo(1.0);
        assertThat(t.priced.isEmpty()).isTrue();
    }

    @Test
    void redeliveredEventIsPricedOnceAndCountedAsDuplicate() {
        t.send(event("e1", "gpt-4o", 1000, 100));
        t.send(event("e1", "gpt-4o", 1000, 100).toBuilder()
                .sessionId("another-key")
                .build());
        t.send(event("e2", "gpt-4o", 1000, 100));

        assertThat(t.priced.readRecordsToList()).extracting(TestRecord::key).containsExactly("e1", "e2");
        assertThat(t.metrics.count("agentmeter.processor.duplicates")).isEqualTo(1.0);
    }

    /**
     * The contract's example as a producer might write it (spaces, line breaks, explicit nulls): the
     * priced record is those bytes unchanged plus pricing, cost, pricedAt and truncated, at home and
     * after the detour alike (the driver feeds partition 0 of 2: "…a11" hashes to 0, "…a12" to 1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11", "9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a12"})
    void aPlainEventIsForwardedAsItArrivedWithThePricingAdded(String eventId) {
        String arrived = CONTRACT_EXAMPLE.replace("9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11", eventId);
        t.sendBytes(eventId, arrived);

        String priced = new String(
                t.driver
                        .createOutputTopic(
                                t.config.pricedTopic(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readValue(),
                UTF_8);

        String unchanged = arrived.substring(0, arrived.lastIndexOf('}'));
        assertThat(priced)
                .startsWith(unchanged + ",\"pricing\":{\"modelKey\":\"claude-sonnet-4-5\"")
                .contains(",\"cost\":{\"inputUsd\":\"0.003\",\"outputUsd\":\"0.0075\",\"cacheReadUsd\":\"0\","
                        + "\"cacheWriteUsd\":\"0\",\"totalUsd\":\"0.0105\",\"catalogUsd\":\"0.0105\"}")
                .endsWith(",\"pricedAt\":\"" + T0 + "\",\"truncated\":false}");
        PricedUsage read = ContractSerdes.pricedUsage().deserialize("t", priced.getBytes(UTF_8));
        assertThat(read.event().eventId()).isEqualTo(eventId);
        assertThat(read.event().call().errorMessage()).isNull();
        assertThat(read.truncated()).isFalse();
        assertThat(t.metrics.count("agentmeter.processor.rerouted")).isEqualTo(eventId.endsWith("a12") ? 1.0 : 0.0);
    }

    @Test
    void anEventWithAnUnknownFieldIsPricedWrittenAnewWithoutIt() {
        UsageEvent e =
                event("e1", "gpt-4o", 1000, 100).toBuilder().sessionId("s4").build();
        String json = ContractJson.toJson(e);
        t.sendBytes("s4", json.replace("\"agent\":\"triage\"", "\"agent\":\"triage\",\"prompt\":\"secret\""));

        String priced = new String(
                t.driver
                        .createOutputTopic(
                                t.config.pricedTopic(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readValue(),
                UTF_8);

        PricedUsage read = ContractSerdes.pricedUsage().deserialize("t", priced.getBytes(UTF_8));
        assertThat(read.event()).isEqualTo(e);
        assertThat(priced).isEqualTo(ContractJson.toJson(read)).doesNotContain("secret");
    }

    @Test
    void eventsAwayFromTheirHomePartitionTakeTheDetourAndAreStillPricedOnce() {
        // The driver feeds raw partition 0 of 2: eventId "e3" hashes to 0 (home), "e1" to 1 (away).
        t.send(event("e3", "gpt-4o", 1000, 100));
        t.send(event("e1", "gpt-4o", 1000, 100));
        t.send(event("e1", "gpt-4o", 1000, 100));

        assertThat(t.priced.readRecordsToList()).extracting(TestRecord::key).containsExactly("e3", "e1");
        assertThat(t.metrics.count("agentmeter.processor.rerouted")).isEqualTo(2.0);
        assertThat(t.metrics.count("agentmeter.processor.duplicates")).isEqualTo(1.0);
    }

    @Test
    void anEventFromAClockAheadIsPricedAtTheWallClocksTimeNotInTheFuture() {
        // A broker refuses records more than log.message.timestamp.after.max.ms (1 h) ahead of its clock.
        t.send(event("e3", "gpt-4o", 1000, 100).toBuilder()
                .timestamp(T0.plusSeconds(3 * 3600))
                .build());

        TestRecord<String, PricedUsage> out = t.priced.readRecord();
        assertThat(out.timestamp()).isEqualTo(T0.toEpochMilli());
        assertThat(out.value().event().timestamp()).isEqualTo(T0.plusSeconds(3 * 3600));
    }

    @Test
    void aPricePublishedAtRuntimeAppliesWithoutRestart() {
        t.send(event("e1", "gpt-4o", 1_000_000, 0));
        t.prices.pipeInput(
                "gpt-4o",
                new ModelPrice(
                        "gpt-4o",
                        "OpenAI",
                        List.of(),
                        List.of(
                                new EffectivePrice(
                                        Instant.parse("2024-05-13T00:00:00Z"),
                                        new BigDecimal("2.5"),
                                        new BigDecimal("10"),
                                        null,
                                        null,
                                        null,
                                        null,
                                        null),
                                new EffectivePrice(
                                        Instant.parse("2026-11-22T00:00:00Z"),
                                        new BigDecimal("2"),
                                        new BigDecimal("8"),
                                        null,
                                        null,
                                        null,
                                        null,
                                        null))));
        t.send(event("e2", "gpt-4o", 1_000_000, 0));
        t.send(event("e3", "gpt-4o", 1_000_000, 0).toBuilder()
                .timestamp(Instant.parse("2026-11-21T23:59:59Z"))
                .build());

        assertThat(t.priced.readValuesToList())
                .extracting(p -> p.cost().totalUsd().toPlainString())
                .containsExactly("2.5", "2", "2.5");
    }

    @Test
    void aDeletedPriceFallsBackToTheDefaultPrice() {
        t.prices.pipeInput("gpt-4o", (ModelPrice) null);
        t.send(event("e1", "gpt-4o", 1_000_000, 0));

        PricedUsage p = t.priced.readValue();
        assertThat(p.pricing().source()).isEqualTo(CostSource.DEFAULT);
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("3");
        assertThat(t.metrics.count("agentmeter.processor.unknown.models", "model", "gpt-4o"))
                .isEqualTo(1.0);
    }

    @Test
    void aBrokenPriceEntryIsIgnoredAndPricingGoesOn() {
        t.pricesRaw.pipeInput("gpt-4o", "{not json".getBytes(UTF_8));
        t.send(event("e1", "gpt-4o", 1_000_000, 0));

        assertThat(t.priced.readValue().cost().totalUsd().toPlainString()).isEqualTo("2.5");
    }

    @Test
    void aBatchCallIsPricedAtTheBundledBatchPrice() {
        t.send(event("e1", "gpt-4o", 1_000_000, 0).toBuilder()
                .serviceTier("batch")
                .build());

        PricedUsage p = t.priced.readValue();
        assertThat(p.pricing().serviceTier()).isEqualTo("batch");
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("1.25");
    }

    @Test
    void aTierTheCatalogLacksIsPricedAtStandardAndCounted() {
        t.send(event("e1", "gpt-4o", 1_000_000, 0).toBuilder()
                .serviceTier("flex")
                .build());

        PricedUsage p = t.priced.readValue();
        assertThat(p.pricing().serviceTier()).isEqualTo("standard");
        assertThat(p.event().serviceTier()).isEqualTo("flex");
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("2.5");
        assertThat(t.metrics.count("agentmeter.processor.tier.unpriced", "model", "gpt-4o", "tier", "flex"))
                .isEqualTo(1.0);
    }
}
