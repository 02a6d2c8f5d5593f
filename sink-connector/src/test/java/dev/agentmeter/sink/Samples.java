package dev.agentmeter.sink;

import dev.agentmeter.model.AlertLevel;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UnitPrices;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Priced records and alerts as the processor writes them, with every optional field set or none. */
public final class Samples {

    public static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");

    private Samples() {}

    /** The contract's example: Bedrock Sonnet 4.5, 1000 in / 500 out, every optional field present. */
    public static PricedUsage full(String eventId, Instant at) {
        UsageEvent event = UsageEvent.builder()
                .schemaVersion(1)
                .eventId(eventId)
                .timestamp(at)
                .kind("llm")
                .agent("triage")
                .userId("user-456")
                .sessionId("session-123")
                .teamId("support")
                .handoffChain(List.of("router", "say \"hi\"", "back\\slash"))
                .provider("aws-bedrock")
                .model("anthropic.claude-sonnet-4-5-20250929-v1:0")
                .region("eu-west-1")
                .usage(new Usage(1000, 500, 200, 100, 40, 50, true))
                .providerCostUsd(new BigDecimal("0.0123"))
                .serviceTier("batch")
                .task(new Task("feature_implementation", "standard", "Implement, \"settings\"\nscreen"))
                .call(new Call("generate", "stop", 2500L, "success", null, 250L))
                .attributes(Map.of("tier", "pro"))
                .build();
        Pricing pricing = new Pricing(
                "claude-sonnet-4-5",
                "Anthropic",
                "aws-bedrock",
                CostSource.PROVIDER,
                Instant.parse("2025-09-29T00:00:00Z"),
                false,
                "batch",
                "USD",
                new UnitPrices(
                        new BigDecimal("3"),
                        new BigDecimal("15"),
                        new BigDecimal("0.30"),
                        new BigDecimal("3.75"),
                        new BigDecimal("6"),
                        null));
        Cost cost = new Cost(
                new BigDecimal("0.0021"),
                new BigDecimal("0.0075"),
                new BigDecimal("0.00006"),
                new BigDecimal("0.000465"),
                new BigDecimal("0.0123"),
                new BigDecimal("0.010125"));
        return new PricedUsage(event, pricing, cost, at.plusMillis(333));
    }

    /** Only what the contract requires of an api-kind event. */
    public static PricedUsage minimalApi(String eventId, Instant at) {
        UsageEvent event = UsageEvent.builder()
                .schemaVersion(1)
                .eventId(eventId)
                .timestamp(at)
                .kind("api")
                .agent("researcher")
                .build();
        Pricing pricing = new Pricing(null, null, null, CostSource.API, null, false, "USD", null);
        return new PricedUsage(event, pricing, Cost.ZERO, at.plusMillis(5));
    }

    /** A plain llm record costing {@code totalUsd}, for bulk tests. */
    public static PricedUsage simple(String eventId, Instant at, String user, BigDecimal totalUsd) {
        UsageEvent event = UsageEvent.builder()
                .schemaVersion(1)
                .eventId(eventId)
                .timestamp(at)
                .kind("llm")
                .agent("coder")
                .userId(user)
                .sessionId("s-" + user)
                .teamId("team-a")
                .provider("openai")
                .model("gpt-4o")
                .usage(Usage.of(1000, 100))
                .build();
        Pricing pricing = new Pricing(
                "gpt-4o",
                "OpenAI",
                "openai",
                CostSource.CATALOG,
                Instant.parse("2024-05-13T00:00:00Z"),
                false,
                "USD",
                new UnitPrices(
                        new BigDecimal("2.5"),
                        new BigDecimal("10"),
                        new BigDecimal("1.25"),
                        new BigDecimal("2.5"),
                        new BigDecimal("2.5"),
                        new BigDecimal("10")));
        Cost cost = new Cost(totalUsd, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, totalUsd, totalUsd);
        return new PricedUsage(event, pricing, cost, at.plusMillis(10));
    }

    public static BudgetAlert alert(String user, String threshold) {
        Scope scope = Scope.parse("user:" + user);
        Instant start = Instant.parse("2026-11-22T00:00:00Z");
        BigDecimal t = new BigDecimal(threshold);
        return new BudgetAlert(
                BudgetAlert.alertId(scope, Period.DAY, start, t),
                scope,
                Period.DAY,
                start,
                Instant.parse("2026-11-23T00:00:00Z"),
                t,
                t.compareTo(BigDecimal.ONE) >= 0 ? AlertLevel.EXCEEDED : AlertLevel.WARNING,
                new BigDecimal("8.0123"),
                new BigDecimal("10.00"),
                "evt-1",
                AT);
    }
}
