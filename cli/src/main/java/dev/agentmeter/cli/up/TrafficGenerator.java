package dev.agentmeter.cli.up;

import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic synthetic usage: several agents, users, teams and models (catalog-priced, free local,
 * provider-reported and one unknown model), cache and reasoning tokens, ~4 % errors, handoff
 * chains. Deterministic for a given seed, so a demo or a load run can be repeated.
 */
public final class TrafficGenerator {

    private record Model(String provider, String name, boolean reasoning, boolean cache) {}

    private static final List<Model> MODELS = List.of(
            new Model("anthropic", "claude-sonnet-4-5-20250929", false, true),
            new Model("aws-bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", false, true),
            new Model("openai", "gpt-4o", false, true),
            new Model("openai", "o4-mini", true, false),
            new Model("google", "gemini-2.5-flash", true, false),
            new Model("openrouter", "deepseek/deepseek-chat", false, false),
            new Model("ollama", "llama3.1:8b", false, false),
            new Model("acme", "acme-large-2", false, false));
    private static final List<String> AGENTS = List.of("triage", "coder", "researcher", "reviewer", "planner");
    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank");
    private static final Map<String, String> TEAM_OF = Map.of(
            "alice",
            "support",
            "bob",
            "support",
            "carol",
            "platform",
            "dave",
            "platform",
            "erin",
            "research",
            "frank",
            "research");
    private static final List<String> TASKS =
            List.of("bug_fix", "feature_implementation", "code_review", "research", "customer_reply", "planning");

    private final SplittableRandom random;
    private final int users;
    private final String hotUser;

    /** @param users distinct users (the first six have names and teams; beyond that user-N in team load) */
    public TrafficGenerator(long seed, int users) {
        this(seed, users, null);
    }

    /** @param hotUser a user who gets one event in ten on top (the demo gives them a small budget to cross), or null */
    public TrafficGenerator(long seed, int users, String hotUser) {
        this.random = new SplittableRandom(seed);
        this.users = users;
        this.hotUser = hotUser;
    }

    public UsageEvent next(Instant at) {
        int u = random.nextInt(users);
        String user =
                hotUser != null && random.nextInt(10) == 0 ? hotUser : u < USERS.size() ? USERS.get(u) : "user-" + u;
        String team = TEAM_OF.getOrDefault(user, "load");
        Model model = MODELS.get(weightedModel());
        String agent = AGENTS.get(random.nextInt(AGENTS.size()));
        long input = 200L + random.nextInt(12_000);
        long cacheRead = model.cache() && random.nextInt(3) == 0 ? input * (30 + random.nextInt(60)) / 100 : 0;
        long cacheWrite = model.cache() && cacheRead == 0 && random.nextInt(6) == 0
                ? Math.min(input - cacheRead, 1024 + random.nextInt(2048))
                : 0;
        long output = 50L + random.nextInt(1500);
        long reasoning = model.reasoning() ? output * (20 + random.nextInt(60)) / 100 : 0;
        boolean error = random.nextInt(25) == 0;
        BigDecimal providerCost = model.provider().equals("openrouter")
                ? new BigDecimal(input * 28 + output * 42).movePointLeft(8)
                : null;
        return UsageEvent.builder()
                .eventId(UUID.randomUUID().toString())
                .timestamp(at)
                .kind(UsageEvent.KIND_LLM)
                .agent(agent)
                .userId(user)
                .sessionId(user + "-s" + random.nextInt(4))
                .teamId(team)
                // The agents that handed off to this one, before it (the agent frameworks' meaning).
                .handoffChain(agent.equals("coder") ? List.of("planner") : null)
                .provider(model.provider())
                .model(model.name())
                .usage(new Usage(input, error ? 0 : output, cacheRead, cacheWrite, 0, error ? 0 : reasoning, false))
                .providerCostUsd(providerCost)
                .task(new Task(
                        TASKS.get(random.nextInt(TASKS.size())), random.nextBoolean() ? "standard" : "complex", null))
                .call(new Call(
                        "generate",
                        error ? "error" : "stop",
                        300L + random.nextInt(9000),
                        error ? Call.STATUS_ERROR : Call.STATUS_SUCCESS,
                        error ? "429 rate limited" : null,
                        input * 4))
                .build();
    }

    private int weightedModel() {
        int r = random.nextInt(100);
        if (r < 30) return 0;
        if (r < 45) return 1;
        if (r < 65) return 2;
        if (r < 75) return 3;
        if (r < 87) return 4;
        if (r < 93) return 5;
        if (r < 98) return 6;
        return 7;
    }
}
