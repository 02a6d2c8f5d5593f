package dev.agentmeter.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.ContractSerdes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ContractJsonTest {

    @Test
    void usageEventRoundTripsWithContractFieldNames() throws Exception {
        UsageEvent event = Samples.contractEvent();
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(event));

        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("kind").asText()).isEqualTo("llm");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(json.get("usage").get("inputTokens").asLong()).isEqualTo(1000);
        assertThat(json.get("usage").get("cacheWrite1hTokens").asLong()).isZero();
        assertThat(json.get("handoffChain").get(0).asText()).isEqualTo("router");
        assertThat(json.has("providerCostUsd")).as("nulls are left out").isFalse();
        assertThat(ContractJson.fromJson(json.toString(), UsageEvent.class)).isEqualTo(event);
    }

    @Test
    void moneyIsWrittenAsDecimalStringsAndKeepsItsScale() throws Exception {
        UsageEvent event = Samples.contractEvent().toBuilder()
                .providerCostUsd(new BigDecimal("0.00012500"))
                .build();
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(event));

        assertThat(json.get("providerCostUsd").isTextual()).isTrue();
        assertThat(json.get("providerCostUsd").asText()).isEqualTo("0.00012500");
    }

    @Test
    void moneyIsNeverWrittenInExponentNotation() throws Exception {
        UsageEvent event = Samples.contractEvent().toBuilder()
                .providerCostUsd(new BigDecimal("1E-7"))
                .build();
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(event));

        assertThat(json.get("providerCostUsd").asText()).isEqualTo("0.0000001");
    }

    @Test
    void moneyIsReadExactlyFromStringsAndFromJsonNumbers() {
        String base = ContractJson.toJson(Samples.contractEvent());
        UsageEvent fromString = ContractJson.fromJson(
                base.replace("{\"schemaVersion\"", "{\"providerCostUsd\":\"0.1\",\"schemaVersion\""), UsageEvent.class);
        UsageEvent fromNumber = ContractJson.fromJson(
                base.replace("{\"schemaVersion\"", "{\"providerCostUsd\":0.30000000000000004,\"schemaVersion\""),
                UsageEvent.class);

        assertThat(fromString.providerCostUsd()).isEqualTo(new BigDecimal("0.1"));
        assertThat(fromNumber.providerCostUsd()).isEqualTo(new BigDecimal("0.30000000000000004"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        String json = ContractJson.toJson(Samples.contractEvent())
                .replace("{\"schemaVersion\"", "{\"futureField\":{\"x\":[1,2]},\"schemaVersion\"");

        assertThat(ContractJson.fromJson(json, UsageEvent.class)).isEqualTo(Samples.contractEvent());
    }

    @Test
    void contractExampleJsonParsesToTheSampleEvent() {
        assertThat(ContractJson.fromJson(Samples.CONTRACT_EVENT_JSON, UsageEvent.class))
                .isEqualTo(Samples.contractEvent());
    }

    @Test
    void pricedUsageIsFlatOnTheWire() throws Exception {
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(Samples.contractPriced()));

        assertThat(json.get("eventId").asText()).isEqualTo("9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11");
        assertThat(json.get("pricing").get("source").asText()).isEqualTo("catalog");
        assertThat(json.get("pricing").get("unitPrices").get("cacheReadPerMTok").asText())
                .isEqualTo("0.30");
        assertThat(json.get("cost").get("totalUsd").asText()).isEqualTo("0.0105");
        assertThat(json.get("cost").get("cacheReadUsd").asText()).isEqualTo("0");
        assertThat(json.get("pricedAt").asText()).isEqualTo("2026-11-22T10:15:30.456Z");
        assertThat(json.has("event")).isFalse();
    }

    @Test
    void pricedBytesFromTheWritersEventBytesAreThePricedRecordByteForByte() {
        PricedUsage priced = Samples.contractPriced();

        byte[] spliced = ContractJson.pricedBytes(ContractJson.toBytes(priced.event()), priced);

        assertThat(new String(spliced, UTF_8)).isEqualTo(ContractJson.toJson(priced));
    }

    @Test
    void pricedBytesWriteMoneyAndNullsAsTheWriterDoes() {
        PricedUsage sample = Samples.contractPriced();
        Pricing pricing = new Pricing(
                null,
                null,
                "lmstudio",
                CostSource.FREE,
                null,
                true,
                Pricing.USD,
                new UnitPrices(
                        BigDecimal.ZERO, new BigDecimal("1E+2"), null, null, null, new BigDecimal("0.000000001")));
        Cost cost = new Cost(
                new BigDecimal("1E-12"),
                new BigDecimal("123456789012345678901234567890.000000000001"),
                new BigDecimal("-0.50"),
                BigDecimal.ZERO.setScale(10),
                new BigDecimal("2.5E+3"),
                null);
        for (PricedUsage priced : List.of(
                new PricedUsage(sample.event(), pricing, cost, Instant.parse("2026-01-01T00:00:00Z")),
                new PricedUsage(sample.event(), null, null, null),
                new PricedUsage(sample.event(), pricing, null, Instant.ofEpochSecond(0, 1)))) {
            byte[] spliced = ContractJson.pricedBytes(ContractJson.toBytes(priced.event()), priced);

            assertThat(new String(spliced, UTF_8)).isEqualTo(ContractJson.toJson(priced));
        }
    }

    @Test
    void pricedBytesWriteEachPricedAtAlsoWhenOneRepeatsOrReturns() throws Exception {
        PricedUsage sample = Samples.contractPriced();
        byte[] event = ContractJson.toBytes(sample.event());
        List<String> written = new ArrayList<>();
        for (String at : List.of(
                "2026-11-22T10:15:30.456Z",
                "2026-11-22T10:15:30.456Z",
                "2026-11-22T10:15:30.457Z",
                "2026-11-22T10:15:30.456Z",
                "1970-01-01T00:00:00Z")) {
            PricedUsage priced = new PricedUsage(sample.event(), sample.pricing(), sample.cost(), Instant.parse(at));
            written.add(ContractJson.mapper()
                    .readTree(ContractJson.pricedBytes(event, priced))
                    .get("pricedAt")
                    .asText());
        }

        assertThat(written)
                .containsExactly(
                        "2026-11-22T10:15:30.456Z",
                        "2026-11-22T10:15:30.456Z",
                        "2026-11-22T10:15:30.457Z",
                        "2026-11-22T10:15:30.456Z",
                        "1970-01-01T00:00:00Z");
    }

    @Test
    void pricedBytesKeepTheEventBytesAsTheyArrived() {
        PricedUsage priced = Samples.contractPriced();
        String event = Samples.CONTRACT_EVENT_JSON;

        String spliced = new String(ContractJson.pricedBytes(event.getBytes(UTF_8), priced), UTF_8);

        assertThat(spliced)
                .isEqualTo(event.substring(0, event.lastIndexOf('}')) + ",\"pricing\":{\"modelKey\":"
                        + "\"claude-sonnet-4-5\",\"company\":\"Anthropic\",\"provider\":\"aws-bedrock\",\"source\":\"catalog\","
                        + "\"priceEffectiveFrom\":\"2025-09-29T00:00:00Z\",\"longContext\":false,\"currency\":\"USD\","
                        + "\"unitPrices\":{\"inputPerMTok\":\"3\",\"outputPerMTok\":\"15\",\"cacheReadPerMTok\":\"0.30\","
                        + "\"cacheWritePerMTok\":\"3.75\",\"cacheWrite1hPerMTok\":\"6\"}},\"cost\":{\"inputUsd\":\"0.003\","
                        + "\"outputUsd\":\"0.0075\",\"cacheReadUsd\":\"0\",\"cacheWriteUsd\":\"0\",\"totalUsd\":\"0.0105\","
                        + "\"catalogUsd\":\"0.0105\"},\"pricedAt\":\"2026-11-22T10:15:30.456Z\",\"truncated\":false}");
        assertThat(ContractSerdes.pricedUsage().deserialize("t", spliced.getBytes(UTF_8)))
                .isEqualTo(priced);
    }

    @Test
    void pricedBytesRefuseWhatIsNotAnObject() {
        assertThatThrownBy(() -> ContractJson.pricedBytes("[1] ".getBytes(UTF_8), Samples.contractPriced()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a JSON object: the event bytes must come from PlainUsageEventReader");
    }

    @Test
    void pricedUsageRoundTrips() {
        PricedUsage priced = Samples.contractPriced();
        var serde = ContractSerdes.pricedUsage();

        assertThat(serde.deserialize("t", serde.serialize("t", priced))).isEqualTo(priced);
    }

    @Test
    void budgetAlertMatchesTheContractExample() throws Exception {
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(Samples.contractAlert()));

        assertThat(json.get("alertId").asText()).isEqualTo("user:alice|DAY|2026-11-22T00:00:00Z|0.8");
        assertThat(json.get("scope").asText()).isEqualTo("user:alice");
        assertThat(json.get("period").asText()).isEqualTo("DAY");
        assertThat(json.get("level").asText()).isEqualTo("WARNING");
        assertThat(json.get("spendUsd").asText()).isEqualTo("8.0123");
        assertThat(json.get("limitUsd").asText()).isEqualTo("10.00");
        assertThat(ContractJson.fromJson(json.toString(), BudgetAlert.class)).isEqualTo(Samples.contractAlert());
    }

    @Test
    void alertIdIsScopePeriodWindowThreshold() {
        assertThat(BudgetAlert.alertId(
                        Scope.parse("user:alice"),
                        Period.DAY,
                        Instant.parse("2026-11-22T00:00:00Z"),
                        new BigDecimal("0.8")))
                .isEqualTo("user:alice|DAY|2026-11-22T00:00:00Z|0.8");
    }

    @Test
    void budgetParsesFromTheContractExample() {
        Budget budget = ContractJson.fromJson("""
                { "scope": "user:alice", "limits": { "DAY": "10.00", "MONTH": "150.00" },
                  "thresholds": ["0.5", "0.8", "1.0"] }
                """, Budget.class);

        assertThat(budget.scope()).isEqualTo(new Scope(ScopeType.USER, "alice"));
        assertThat(budget.limits())
                .isEqualTo(Map.of(Period.DAY, new BigDecimal("10.00"), Period.MONTH, new BigDecimal("150.00")));
        assertThat(budget.thresholds())
                .containsExactly(new BigDecimal("0.5"), new BigDecimal("0.8"), new BigDecimal("1.0"));
    }

    @Test
    void budgetWithoutThresholdsUsesFiftyEightyHundred() {
        Budget budget = ContractJson.fromJson("{\"scope\":\"team:support\",\"limits\":{\"DAY\":\"5\"}}", Budget.class);

        assertThat(budget.thresholds()).extracting(BigDecimal::toPlainString).containsExactly("0.5", "0.8", "1.0");
    }

    @Test
    void modelPriceParsesFromTheContractExampleAndPicksThePriceInForce() {
        ModelPrice price = ContractJson.fromJson("""
                {
                  "modelKey": "claude-sonnet-4-5", "company": "Anthropic",
                  "aliases": ["anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929"],
                  "prices": [
                    { "effectiveFrom": "2026-01-01T00:00:00Z", "inputPerMTok": "2.5", "outputPerMTok": "12" },
                    { "effectiveFrom": "2025-09-29T00:00:00Z",
                      "inputPerMTok": "3", "outputPerMTok": "15",
                      "cacheReadPerMTok": "0.30", "cacheWritePerMTok": "3.75", "cacheWrite1hPerMTok": "6",
                      "reasoningPerMTok": null,
                      "longContext": { "aboveInputTokens": 200000, "inputPerMTok": "6", "outputPerMTok": "22.50",
                                       "cacheReadPerMTok": "0.60", "cacheWritePerMTok": "7.50" } }
                  ]
                }
                """, ModelPrice.class);

        assertThat(price.prices())
                .extracting(EffectivePrice::effectiveFrom)
                .containsExactly(Instant.parse("2025-09-29T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(price.priceAt(Instant.parse("2025-12-31T23:59:59Z"))
                        .orElseThrow()
                        .inputPerMTok())
                .isEqualTo(new BigDecimal("3"));
        assertThat(price.priceAt(Instant.parse("2026-01-01T00:00:00Z"))
                        .orElseThrow()
                        .inputPerMTok())
                .isEqualTo(new BigDecimal("2.5"));
        assertThat(price.priceAt(Instant.parse("2025-01-01T00:00:00Z"))).isEmpty();
        assertThat(price.prices().get(0).longContext().aboveInputTokens()).isEqualTo(200000);
        assertThat(price.prices().get(0).longContext().outputPerMTok()).isEqualTo(new BigDecimal("22.50"));
    }

    @Test
    void scopeParsesTypeAndIdAndRejectsMalformedText() {
        assertThat(Scope.parse("global:*")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.parse("session:a:b").id()).isEqualTo("a:b");
        assertThatThrownBy(() -> Scope.parse("alice"))
                .hasMessage("scope 'alice' is not TYPE:ID (e.g. user:alice, global:*)");
        assertThatThrownBy(() -> Scope.parse("org:acme"))
                .hasMessage("unknown scope type 'org'; expected one of global, team, agent, user, session");
    }

    @Test
    void serdeKeepsTombstonesAndRaisesKafkaErrorsOnBadBytes() {
        var serde = ContractSerdes.budget();

        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
        assertThatThrownBy(() -> serde.deserialize("agentmeter.budgets", "not json".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Budget from topic agentmeter.budgets");
    }

    @Test
    void alertLevelIsExceededFromTheFullBudget() {
        assertThat(List.of("0.5", "0.99", "1.0", "1", "1.5").stream()
                        .map(BigDecimal::new)
                        .map(AlertLevel::forThreshold))
                .containsExactly(
                        AlertLevel.WARNING,
                        AlertLevel.WARNING,
                        AlertLevel.EXCEEDED,
                        AlertLevel.EXCEEDED,
                        AlertLevel.EXCEEDED);
    }
}
