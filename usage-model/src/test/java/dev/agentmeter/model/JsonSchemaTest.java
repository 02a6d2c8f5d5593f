package dev.agentmeter.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bundled JSON Schemas accept what the Java model writes and refuse what the contract forbids. */
class JsonSchemaTest {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://agentmeter.dev/schemas/", "classpath:schemas/")));

    private static JsonSchema schema(String name) {
        return FACTORY.getSchema(SchemaLocation.of("classpath:schemas/" + name));
    }

    private static Set<String> errors(String schema, JsonNode json) {
        return schema(schema).validate(json).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.toSet());
    }

    private static ObjectNode tree(Object value) {
        return (ObjectNode) ContractJson.mapper().valueToTree(value);
    }

    @Test
    void javaSerialisedUsageEventValidates() {
        assertThat(errors("usage-event.schema.json", tree(Samples.contractEvent())))
                .isEmpty();
    }

    @Test
    void javaSerialisedPricedUsageValidates() throws Exception {
        JsonNode json = ContractJson.mapper().readTree(ContractJson.toJson(Samples.contractPriced()));
        assertThat(errors("priced-usage.schema.json", json)).isEmpty();
    }

    @Test
    void theContractsExampleWithItsNullsValidates() throws Exception {
        assertThat(errors("usage-event.schema.json", ContractJson.mapper().readTree(Samples.CONTRACT_EVENT_JSON)))
                .isEmpty();
    }

    @Test
    void aPricedRecordMadeFromTheArrivedBytesValidates() throws Exception {
        byte[] priced = ContractJson.pricedBytes(
                Samples.CONTRACT_EVENT_JSON.getBytes(StandardCharsets.UTF_8), Samples.contractPriced());
        assertThat(errors("priced-usage.schema.json", ContractJson.mapper().readTree(priced)))
                .isEmpty();
    }

    @Test
    void javaSerialisedBudgetAlertValidates() {
        assertThat(errors("budget-alert.schema.json", tree(Samples.contractAlert())))
                .isEmpty();
    }

    @Test
    void aForecastAlertWithItsProjectionValidates() {
        BudgetAlert a = Samples.contractAlert();
        BudgetAlert forecast = new BudgetAlert(
                a.scope() + "|DAY|" + a.windowStart() + "|forecast",
                a.scope(),
                a.period(),
                a.windowStart(),
                a.windowEnd(),
                new BigDecimal("1.0"),
                AlertLevel.FORECAST,
                a.spendUsd(),
                a.limitUsd(),
                a.triggeringEventId(),
                a.raisedAt(),
                new BigDecimal("24.5"),
                Instant.parse("2026-11-22T20:00:00Z"));
        assertThat(errors("budget-alert.schema.json", tree(forecast))).isEmpty();
    }

    @Test
    void javaSerialisedBudgetStatusValidates() {
        BudgetStatus s = BudgetStatus.of(
                Scope.parse("user:alice"),
                Period.DAY,
                Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"),
                new BigDecimal("8.0123"),
                new BigDecimal("10.00"),
                Budget.DEFAULT_THRESHOLDS,
                Instant.parse("2026-11-22T10:15:31.002Z"));
        assertThat(errors("budget-status.schema.json", tree(s))).isEmpty();
    }

    @Test
    void usageEventWithoutEventIdFails() {
        ObjectNode json = tree(Samples.contractEvent());
        json.remove("eventId");
        assertThat(errors("usage-event.schema.json", json)).containsExactly("$: required property 'eventId' not found");
    }

    @Test
    void llmEventWithoutUsageFails() {
        ObjectNode json = tree(Samples.contractEvent());
        json.remove("usage");
        assertThat(errors("usage-event.schema.json", json)).containsExactly("$: required property 'usage' not found");
    }

    @Test
    void negativeTokensFail() {
        ObjectNode json = tree(Samples.contractEvent());
        ((ObjectNode) json.get("usage")).put("inputTokens", -1);
        assertThat(errors("usage-event.schema.json", json))
                .containsExactly("$.usage.inputTokens: must have a minimum value of 0");
    }

    @Test
    void moneySentAsAJsonNumberValidates() {
        ObjectNode json = tree(Samples.contractEvent());
        json.put("providerCostUsd", 0.5);
        assertThat(errors("usage-event.schema.json", json)).isEmpty();
    }

    @Test
    void moneyAboveAMillionFails() {
        ObjectNode json = tree(Samples.contractEvent());
        json.put("providerCostUsd", 2_000_000);
        assertThat(errors("usage-event.schema.json", json)).anyMatch(m -> m.startsWith("$.providerCostUsd"));
    }

    @Test
    void aTokenCountAboveTenToTheTwelveFails() {
        ObjectNode json = tree(Samples.contractEvent());
        ((ObjectNode) json.get("usage")).put("inputTokens", 1_000_000_000_001L);
        assertThat(errors("usage-event.schema.json", json)).anyMatch(m -> m.startsWith("$.usage.inputTokens"));
    }

    @Test
    void unknownKindFails() {
        ObjectNode json = tree(Samples.contractEvent());
        json.put("kind", "embedding");
        assertThat(errors("usage-event.schema.json", json))
                .containsExactly("$.kind: does not have a value in the enumeration [\"llm\", \"api\"]");
    }

    @Test
    void timestampWithOffsetInsteadOfZFails() {
        ObjectNode json = tree(Samples.contractEvent());
        json.put("timestamp", "2026-11-22T10:15:30+01:00");
        assertThat(errors("usage-event.schema.json", json))
                .hasSize(1)
                .allMatch(m -> m.startsWith("$.timestamp: does not match the regex pattern"));
    }

    @Test
    void pricedUsageWithoutCostFails() throws Exception {
        ObjectNode json = (ObjectNode) ContractJson.mapper().readTree(ContractJson.toJson(Samples.contractPriced()));
        json.remove("cost");
        assertThat(errors("priced-usage.schema.json", json)).containsExactly("$: required property 'cost' not found");
    }

    @Test
    void pricedUsageWithUnknownSourceFails() throws Exception {
        ObjectNode json = (ObjectNode) ContractJson.mapper().readTree(ContractJson.toJson(Samples.contractPriced()));
        ((ObjectNode) json.get("pricing")).put("source", "guess");
        assertThat(errors("priced-usage.schema.json", json))
                .hasSize(1)
                .allMatch(m -> m.startsWith("$.pricing.source: does not have a value in the enumeration"));
    }

    @Test
    void alertWithUnknownLevelFails() {
        ObjectNode json = tree(Samples.contractAlert());
        json.put("level", "PANIC");
        assertThat(errors("budget-alert.schema.json", json))
                .hasSize(1)
                .allMatch(m -> m.startsWith("$.level: does not have a value in the enumeration"));
    }

    @Test
    void alertWithBadScopeFails() {
        ObjectNode json = tree(Samples.contractAlert());
        json.put("scope", "alice");
        assertThat(errors("budget-alert.schema.json", json))
                .hasSize(1)
                .allMatch(m -> m.startsWith("$.scope: does not match the regex pattern"));
    }
}
