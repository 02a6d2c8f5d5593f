package dev.agentmeter.sink.write;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** How a {@link PricedUsage} becomes a row of {@code agent_usage}: one column per contract field. */
public final class UsageRows {

    private UsageRows() {}

    public static TableSpec<PricedUsage> table(String name) {
        return new TableSpec<>(name, COLUMNS, "(event_id, occurred_at)");
    }

    static final List<Column<PricedUsage>> COLUMNS = List.of(
            event("event_id", "text", UsageEvent::eventId),
            event("occurred_at", "timestamptz", UsageEvent::timestamp),
            event("schema_version", "integer", e -> e.schemaVersion() == null ? 1 : e.schemaVersion()),
            event("kind", "text", UsageEvent::kind),
            event("agent", "text", UsageEvent::agent),
            event("user_id", "text", UsageEvent::userId),
            event("session_id", "text", UsageEvent::sessionId),
            event("team_id", "text", UsageEvent::teamId),
            event("handoff_chain", "text[]", UsageEvent::handoffChain),
            event("provider", "text", UsageEvent::provider),
            pricing("company", "text", Pricing::company),
            event("model", "text", UsageEvent::model),
            pricing("model_key", "text", Pricing::modelKey),
            event("region", "text", UsageEvent::region),
            usage("input_tokens", Usage::inputTokens),
            usage("output_tokens", Usage::outputTokens),
            usage("cache_read_tokens", Usage::cacheReadTokens),
            usage("cache_write_tokens", Usage::cacheWriteTokens),
            usage("cache_write_1h_tokens", Usage::cacheWrite1hTokens),
            usage("reasoning_tokens", Usage::reasoningTokens),
            Column.of(
                    "tokens_estimated",
                    "boolean",
                    r -> r.event().usage() != null && r.event().usage().estimated()),
            cost("input_cost_usd", Cost::inputUsd),
            cost("output_cost_usd", Cost::outputUsd),
            cost("cache_read_cost_usd", Cost::cacheReadUsd),
            cost("cache_write_cost_usd", Cost::cacheWriteUsd),
            cost("total_cost_usd", Cost::totalUsd),
            cost("catalog_cost_usd", Cost::catalogUsd),
            event("provider_cost_usd", "numeric", UsageEvent::providerCostUsd),
            pricing(
                    "cost_source",
                    "text",
                    p -> p.source() == null ? null : p.source().wireName()),
            pricing("price_effective_from", "timestamptz", Pricing::priceEffectiveFrom),
            pricing(
                    "unit_prices",
                    "jsonb",
                    p -> p.unitPrices() == null ? null : new PgText.Json(ContractJson.toJson(p.unitPrices()))),
            Column.of(
                    "long_context",
                    "boolean",
                    r -> r.pricing() != null && r.pricing().longContext()),
            Column.of("truncated", "boolean", PricedUsage::truncated),
            event("service_tier", "text", UsageEvent::serviceTier),
            pricing("priced_service_tier", "text", Pricing::serviceTier),
            task("task_type", Task::type),
            task("task_complexity", Task::complexity),
            task("task_description", Task::description),
            call("method", "text", Call::method),
            call("finish_reason", "text", Call::finishReason),
            call("duration_ms", "bigint", Call::durationMs),
            call("status", "text", Call::status),
            call("error_message", "text", Call::errorMessage),
            call("prompt_chars", "bigint", Call::promptChars),
            api("api_service", "text", ApiCall::service),
            api("api_endpoint", "text", ApiCall::endpoint),
            api("api_status_code", "integer", ApiCall::statusCode),
            api("api_cost_usd", "numeric", ApiCall::costUsd),
            event(
                    "attributes",
                    "jsonb",
                    e -> e.attributes() == null
                            ? null
                            : new PgText.Json(ContractJson.toJson(cleanKeysAndValues(e.attributes())))),
            Column.of("priced_at", "timestamptz", PricedUsage::pricedAt));

    private static Column<PricedUsage> event(String name, String type, Function<UsageEvent, Object> f) {
        return Column.of(name, type, r -> f.apply(r.event()));
    }

    private static Column<PricedUsage> usage(String name, Function<Usage, Object> f) {
        return Column.of(
                name,
                "bigint",
                r -> r.event().usage() == null ? 0L : f.apply(r.event().usage()));
    }

    private static Column<PricedUsage> pricing(String name, String type, Function<Pricing, Object> f) {
        return Column.of(name, type, r -> r.pricing() == null ? null : f.apply(r.pricing()));
    }

    private static Column<PricedUsage> cost(String name, Function<Cost, Object> f) {
        return Column.of(name, "numeric", r -> r.cost() == null ? null : f.apply(r.cost()));
    }

    private static Column<PricedUsage> task(String name, Function<Task, Object> f) {
        return Column.of(
                name,
                "text",
                r -> r.event().task() == null ? null : f.apply(r.event().task()));
    }

    private static Column<PricedUsage> call(String name, String type, Function<Call, Object> f) {
        return Column.of(
                name,
                type,
                r -> r.event().call() == null ? null : f.apply(r.event().call()));
    }

    private static Column<PricedUsage> api(String name, String type, Function<ApiCall, Object> f) {
        return Column.of(
                name,
                type,
                r -> r.event().api() == null ? null : f.apply(r.event().api()));
    }

    /** jsonb rejects \u0000 inside strings; replace it before serialising, not in the escaped text. */
    private static Map<String, String> cleanKeysAndValues(Map<String, String> attributes) {
        Map<String, String> clean = new LinkedHashMap<>();
        attributes.forEach((k, v) -> clean.put(PgText.clean(k), v == null ? null : PgText.clean(v)));
        return clean;
    }
}
