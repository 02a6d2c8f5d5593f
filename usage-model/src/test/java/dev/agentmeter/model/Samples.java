package dev.agentmeter.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The contract's own examples, as Java values. */
public final class Samples {

    public static final Instant TS = Instant.parse("2026-11-22T10:15:30.123Z");

    /** The contract's UsageEvent example, as written there (explicit nulls, spaces and line breaks). */
    public static final String CONTRACT_EVENT_JSON = """
            {
              "schemaVersion": 1,
              "eventId": "9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11",
              "timestamp": "2026-11-22T10:15:30.123Z",
              "kind": "llm",
              "agent": "triage",
              "userId": "user-456",
              "sessionId": "session-123",
              "teamId": "support",
              "handoffChain": ["router"],
              "provider": "aws-bedrock",
              "model": "anthropic.claude-sonnet-4-5-20250929-v1:0",
              "region": "eu-west-1",
              "usage": {
                "inputTokens": 1000, "outputTokens": 500,
                "cacheReadTokens": 0, "cacheWriteTokens": 0, "cacheWrite1hTokens": 0,
                "reasoningTokens": 0, "estimated": false
              },
              "providerCostUsd": null,
              "task": { "type": "feature_implementation", "complexity": "standard", "description": "Implement settings screen" },
              "call": { "method": "generate", "finishReason": "stop", "durationMs": 2500,
                        "status": "success", "errorMessage": null, "promptChars": 250 },
              "api": null,
              "attributes": { "tier": "pro" }
            }
            """;

    private Samples() {}

    public static UsageEvent contractEvent() {
        return UsageEvent.builder()
                .eventId("9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11")
                .timestamp(TS)
                .agent("triage")
                .userId("user-456")
                .sessionId("session-123")
                .teamId("support")
                .handoffChain(List.of("router"))
                .provider("aws-bedrock")
                .model("anthropic.claude-sonnet-4-5-20250929-v1:0")
                .region("eu-west-1")
                .usage(new Usage(1000, 500, 0, 0, 0, 0, false))
                .task(new Task("feature_implementation", "standard", "Implement settings screen"))
                .call(new Call("generate", "stop", 2500L, "success", null, 250L))
                .attributes(Map.of("tier", "pro"))
                .build();
    }

    public static PricedUsage contractPriced() {
        Pricing pricing = new Pricing(
                "claude-sonnet-4-5",
                "Anthropic",
                "aws-bedrock",
                CostSource.CATALOG,
                Instant.parse("2025-09-29T00:00:00Z"),
                false,
                Pricing.USD,
                new UnitPrices(
                        new BigDecimal("3"),
                        new BigDecimal("15"),
                        new BigDecimal("0.30"),
                        new BigDecimal("3.75"),
                        new BigDecimal("6"),
                        null));
        Cost cost = new Cost(
                new BigDecimal("0.003"),
                new BigDecimal("0.0075"),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                new BigDecimal("0.0105"),
                new BigDecimal("0.0105"));
        return new PricedUsage(contractEvent(), pricing, cost, Instant.parse("2026-11-22T10:15:30.456Z"));
    }

    public static BudgetAlert contractAlert() {
        return new BudgetAlert(
                "user:alice|DAY|2026-11-22T00:00:00Z|0.8",
                Scope.parse("user:alice"),
                Period.DAY,
                Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"),
                new BigDecimal("0.8"),
                AlertLevel.WARNING,
                new BigDecimal("8.0123"),
                new BigDecimal("10.00"),
                "9b6c1f0e-2f7e-4a53-9d1e-0f4f6c2d8a11",
                Instant.parse("2026-11-22T10:15:31.002Z"));
    }
}
