// Driven by the Java side's TypeScriptClientIT against a real collector and pipeline:
//   node agent.mjs send  ENDPOINT SPOOL RUN   every shape once, then shutdown
//   node agent.mjs queue ENDPOINT SPOOL RUN   ten events to a collector that is away, then wait to be killed
//   node agent.mjs drain ENDPOINT SPOOL RUN   a new process on the same spool: sends what the killed one queued
//   node agent.mjs stream ENDPOINT SPOOL RUN  200 events over about 4 s, then waits until every one was taken
import { readFileSync } from "node:fs";
import { createTracker, fromAnthropic, usageTrackingHandler } from "../../dist/esm/index.js";

const [mode, endpoint, spoolPath, run] = process.argv.slice(2);
const tracker = createTracker({ endpoint, agent: "ts-agent", team: "support", spoolPath, flushIntervalMs: 100,
  retryInitialMs: mode === "queue" ? 60_000 : 200, onError: (e) => console.error(`onError ${e.kind}: ${e.message}`) });

if (mode === "send") {
  for (let i = 0; i < 5; i++) {
    tracker.track({ model: "gpt-4o", provider: "openai", sessionId: run, usage: { inputTokens: 1000, outputTokens: 100 } });
  }
  tracker.logLLM({ model: "claude-sonnet-4-5", provider: "anthropic", inputTokens: 2000, outputTokens: 200, sessionKey: run,
    prompt: "Fix the login page", response: "Done." });
  usageTrackingHandler(tracker)({ agentName: "Triage", sessionId: run, usage: { inputTokens: 100, outputTokens: 10 },
    providerMetadata: { openrouter: { usage: { cost: 0.0123 } } }, context: { model: "anthropic/claude-sonnet-4.5" } });
  const message = JSON.parse(readFileSync(new URL("../../../../producer-client/src/test/resources/provider-fixtures/anthropic-message.json",
    import.meta.url), "utf8"));
  tracker.track({ ...fromAnthropic(message), sessionId: run });
  tracker.logAPI({ service: "serpapi", endpoint: "/search", statusCode: 200, costUsd: "0.01", sessionKey: run });
  await tracker.shutdown();
  console.log(`sent ${JSON.stringify(tracker.stats())}`);
} else if (mode === "queue") {
  for (let i = 0; i < 10; i++) {
    tracker.track({ model: "gpt-4o", provider: "openai", sessionId: run, usage: { inputTokens: 1000, outputTokens: 100 } });
  }
  await new Promise((r) => setTimeout(r, 300)); // journaled by now
  console.log("queued");
  setInterval(() => {}, 1000); // waits for the SIGKILL
} else if (mode === "stream") {
  for (let i = 0; i < 200; i++) {
    tracker.track({ model: "gpt-4o-mini", provider: "openai", sessionId: run, usage: { inputTokens: 1000, outputTokens: 100 } });
    await new Promise((r) => setTimeout(r, 20));
  }
  const deadline = Date.now() + 90_000;
  await tracker.flush();
  while (tracker.stats().waitingBytes > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    await tracker.flush();
  }
  await tracker.shutdown();
  console.log(`streamed ${JSON.stringify(tracker.stats())}`);
} else if (mode === "drain") {
  await tracker.shutdown();
  console.log(`drained ${JSON.stringify(tracker.stats())}`);
}
