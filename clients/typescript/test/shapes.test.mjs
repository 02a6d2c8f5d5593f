import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fromAiSdk, fromAnthropic, fromOpenAI, usageTrackingHandler } from "../dist/esm/index.js";

// The Java client's recorded provider responses (their documented shapes, sources in its README).
const fixture = (name) => JSON.parse(readFileSync(new URL(`../../../producer-client/src/test/resources/provider-fixtures/${name}`,
  import.meta.url), "utf8"));
const tracked = () => {
  const events = [];
  return { events, tracker: { track: (e) => { events.push(e); return "id"; } } };
};

test("an OpenAI chat completion: cached tokens inside input, the tier the response names", () => {
  const e = fromOpenAI(fixture("openai-chat.json"));
  assert.equal(e.model, "gpt-4o-2024-08-06");
  assert.deepEqual(e.usage, { inputTokens: 2006, outputTokens: 300, cacheReadTokens: 1920, cacheWriteTokens: 0,
    cacheWrite1hTokens: 0, reasoningTokens: 0, estimated: false });
  assert.equal(e.serviceTier, "default");
});

test("an Anthropic message: cache tokens added back to input, one-hour writes apart", () => {
  const e = fromAnthropic(fixture("anthropic-message.json"));
  assert.deepEqual(e.usage, { inputTokens: 20050, outputTokens: 420, cacheReadTokens: 18000, cacheWriteTokens: 2000,
    cacheWrite1hTokens: 500, reasoningTokens: 0, estimated: false });
  assert.equal(e.serviceTier, "standard");
});

test("an AI SDK generateText result through OpenRouter: its reported cost is the billed cost", () => {
  const e = fromAiSdk(JSON.parse(readFileSync(new URL("fixtures/ai-sdk-generate-text-openrouter.json", import.meta.url), "utf8")));
  assert.equal(e.provider, "openrouter");
  assert.equal(e.model, "anthropic/claude-sonnet-4.5");
  assert.equal(e.providerCostUsd, "0.0087");
  assert.equal(e.usage.cacheReadTokens, 1000);
  assert.equal(e.usage.reasoningTokens, 40);
});

test("the configureUsageTracking hook: AI SDK v4 usage, the context's user and team, the handoff chain", () => {
  const { events, tracker } = tracked();
  usageTrackingHandler(tracker)({ agentName: "TechnicalSupport", sessionId: "s-9", handoffChain: ["Triage"],
    usage: { promptTokens: 100, completionTokens: 50, totalTokens: 150 }, method: "generate", finishReason: "stop",
    duration: 812.4, context: { userId: "u-1", teamId: "support", model: "openai/gpt-4o" } });

  assert.equal(events[0].agent, "TechnicalSupport");
  assert.equal(events[0].model, "openai/gpt-4o");
  assert.deepEqual(events[0].handoffChain, ["Triage"]);
  assert.equal(events[0].userId, "u-1");
  assert.equal(events[0].teamId, "support");
  assert.equal(events[0].usage.inputTokens, 100);
  assert.equal(events[0].call.durationMs, 812);
});

test("the hook with AI SDK v5 usage and OpenRouter metadata: cost and model from the metadata", () => {
  const { events, tracker } = tracked();
  usageTrackingHandler(tracker)({ agentName: "Triage", usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4,
    reasoningTokens: 2 }, method: "stream", providerMetadata: { openrouter: { usage: { cost: 0.0001 }, model: "x-ai/grok-4" } } });

  assert.equal(events[0].provider, "openrouter");
  assert.equal(events[0].model, "x-ai/grok-4");
  assert.equal(events[0].providerCostUsd, "0.0001");
  assert.deepEqual([events[0].usage.cacheReadTokens, events[0].usage.reasoningTokens], [4, 2]);
});

test("a hook whose tracker throws does not throw into the agent", () => {
  assert.doesNotThrow(() => usageTrackingHandler({ track: () => { throw new Error("boom"); } })({ agentName: "a" }));
});
