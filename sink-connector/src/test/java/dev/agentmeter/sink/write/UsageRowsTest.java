package dev.agentmeter.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.sink.Samples;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageRowsTest {

    private static Map<String, String> encode(PricedUsage priced) {
        Map<String, String> row = new LinkedHashMap<>();
        for (Column<PricedUsage> column : UsageRows.COLUMNS) {
            row.put(column.name(), PgText.encode(column.value().apply(priced)));
        }
        return row;
    }

    @Test
    void everyContractFieldHasItsColumnWithExactText() {
        Map<String, String> row = encode(Samples.full("evt-1", Samples.AT));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("event_id", "evt-1");
        expected.put("occurred_at", "2026-11-22T10:15:30.123Z");
        expected.put("schema_version", "1");
        expected.put("kind", "llm");
        expected.put("agent", "triage");
        expected.put("user_id", "user-456");
        expected.put("session_id", "session-123");
        expected.put("team_id", "support");
        expected.put("handoff_chain", "{\"router\",\"say \\\"hi\\\"\",\"back\\\\slash\"}");
        expected.put("provider", "aws-bedrock");
        expected.put("company", "Anthropic");
        expected.put("model", "anthropic.claude-sonnet-4-5-20250929-v1:0");
        expected.put("model_key", "claude-sonnet-4-5");
        expected.put("region", "eu-west-1");
        expected.put("input_tokens", "1000");
        expected.put("output_tokens", "500");
        expected.put("cache_read_tokens", "200");
        expected.put("cache_write_tokens", "100");
        expected.put("cache_write_1h_tokens", "40");
        expected.put("reasoning_tokens", "50");
        expected.put("tokens_estimated", "t");
        expected.put("input_cost_usd", "0.0021");
        expected.put("output_cost_usd", "0.0075");
        expected.put("cache_read_cost_usd", "0.00006");
        expected.put("cache_write_cost_usd", "0.000465");
        expected.put("total_cost_usd", "0.0123");
        expected.put("catalog_cost_usd", "0.010125");
        expected.put("provider_cost_usd", "0.0123");
        expected.put("cost_source", "provider");
        expected.put("price_effective_from", "2025-09-29T00:00:00Z");
        expected.put(
                "unit_prices",
                "{\"inputPerMTok\":\"3\",\"outputPerMTok\":\"15\",\"cacheReadPerMTok\":\"0.30\","
                        + "\"cacheWritePerMTok\":\"3.75\",\"cacheWrite1hPerMTok\":\"6\"}");
        expected.put("long_context", "f");
        expected.put("truncated", "f");
        expected.put("service_tier", "batch");
        expected.put("priced_service_tier", "batch");
        expected.put("task_type", "feature_implementation");
        expected.put("task_complexity", "standard");
        expected.put("task_description", "Implement, \"settings\"\nscreen");
        expected.put("method", "generate");
        expected.put("finish_reason", "stop");
        expected.put("duration_ms", "2500");
        expected.put("status", "success");
        expected.put("error_message", null);
        expected.put("prompt_chars", "250");
        expected.put("api_service", null);
        expected.put("api_endpoint", null);
        expected.put("api_status_code", null);
        expected.put("api_cost_usd", null);
        expected.put("attributes", "{\"tier\":\"pro\"}");
        expected.put("priced_at", "2026-11-22T10:15:30.456Z");
        assertThat(row).containsExactlyEntriesOf(expected);
    }

    @Test
    void absentOptionalFieldsAreNullsAndTokensZero() {
        Map<String, String> row = encode(Samples.minimalApi("evt-2", Samples.AT));

        assertThat(row)
                .containsEntry("kind", "api")
                .containsEntry("input_tokens", "0")
                .containsEntry("reasoning_tokens", "0")
                .containsEntry("tokens_estimated", "f")
                .containsEntry("total_cost_usd", "0")
                .containsEntry("cost_source", "api");
        assertThat(row.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey))
                .containsExactly(
                        "user_id",
                        "session_id",
                        "team_id",
                        "handoff_chain",
                        "provider",
                        "company",
                        "model",
                        "model_key",
                        "region",
                        "provider_cost_usd",
                        "price_effective_from",
                        "unit_prices",
                        "service_tier",
                        "priced_service_tier",
                        "task_type",
                        "task_complexity",
                        "task_description",
                        "method",
                        "finish_reason",
                        "duration_ms",
                        "status",
                        "error_message",
                        "prompt_chars",
                        "api_service",
                        "api_endpoint",
                        "api_status_code",
                        "api_cost_usd",
                        "attributes");
    }
}
