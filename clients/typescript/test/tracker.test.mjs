import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker } from "../dist/esm/index.js";
import { fakeCollector } from "./fake-collector.mjs";

const spool = () => join(mkdtempSync(join(tmpdir(), "agentmeter-ts-")), "spool.ndjson");
const call = (i) => ({ model: "gpt-4o", provider: "openai", usage: { inputTokens: 100 + i, outputTokens: 10 } });

test("events go in batches, each once, with UUIDv7 ids made in the client", async () => {
  const collector = await fakeCollector();
  const tracker = createTracker({ endpoint: collector.url, agent: "coder", team: "support", batchSize: 10, spoolPath: spool(),
    exitHook: false });
  const ids = Array.from({ length: 25 }, (_, i) => tracker.track(call(i)));
  await tracker.shutdown();
  await collector.close();

  assert.equal(collector.requests(), 3);
  assert.deepEqual(collector.received.map((e) => e.eventId), ids);
  assert.match(ids[0], /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(collector.received[0].agent, "coder");
  assert.equal(collector.received[0].teamId, "support");
  assert.equal(collector.received[0].schemaVersion, 1);
});

test("a collector answering 503 gets the same events again with the same ids after Retry-After", async () => {
  const collector = await fakeCollector((n) => (n <= 2 ? { status: 503, retryAfter: 1 } : 200));
  const tracker = createTracker({ endpoint: collector.url, agent: "coder", spoolPath: spool(), exitHook: false,
    retryInitialMs: 10, flushIntervalMs: 50 });
  const ids = [tracker.track(call(1)), tracker.track(call(2))];
  await tracker.flush(); // the first answer is 503: they wait in the spool
  assert.equal(collector.received.length, 0);
  await new Promise((r) => setTimeout(r, 2600));
  await tracker.shutdown();
  await collector.close();

  assert.equal(collector.requests(), 3);
  assert.deepEqual(collector.received.map((e) => e.eventId), ids);
});

test("a tracker that ends with the collector away leaves its events in the spool, and the next one sends them in order", async () => {
  const path = spool();
  const down = await fakeCollector(() => 503);
  const first = createTracker({ endpoint: down.url, agent: "coder", spoolPath: path, exitHook: false, retryInitialMs: 60_000 });
  const ids = [1, 2, 3].map((i) => first.track(call(i)));
  await first.shutdown();
  await down.close();
  assert.equal(readFileSync(path, "utf8").trim().split("\n").length, 3);

  const up = await fakeCollector();
  const second = createTracker({ endpoint: up.url, agent: "coder", spoolPath: path, exitHook: false });
  const later = second.track(call(4));
  await second.shutdown();
  await up.close();

  assert.deepEqual(up.received.map((e) => e.eventId), [...ids, later]);
  assert.equal(readFileSync(path, "utf8"), "");
});

test("track never throws, and says what it drops when the spool is full", async () => {
  const errors = [];
  const down = await fakeCollector(() => 503);
  const tracker = createTracker({ endpoint: down.url, agent: "coder", spoolPath: null, maxSpoolBytes: 600, exitHook: false,
    retryInitialMs: 60_000, onError: (e) => { errors.push(e); throw new Error("a broken callback"); } });
  for (let i = 0; i < 10; i++) {
    tracker.track(call(i));
  }
  assert.equal(tracker.track(undefined), undefined);
  await tracker.shutdown();
  await down.close();

  assert.ok(tracker.stats().dropped >= 8, JSON.stringify(tracker.stats()));
  assert.ok(errors.some((e) => e.kind === "dropped"));
  assert.ok(errors.some((e) => e.kind === "invalid"));
});

test("free text is redacted and cut before it leaves; the prompt's text never does unless asked", async () => {
  const collector = await fakeCollector();
  const tracker = createTracker({ endpoint: collector.url, agent: "coder", spoolPath: null, exitHook: false });
  tracker.track({ ...call(0), task: { type: "bug_fix", description: "deploy with token=abcd1234 to 10.0.0.5 " + "x".repeat(5000) } });
  tracker.logLLM({ model: "claude-sonnet-4-5", provider: "anthropic", prompt: "secret plan", response: "ok!",
    inputTokens: 12, outputTokens: 3, sessionKey: "s-1", taskType: "build", durationMs: 900 });
  await tracker.shutdown();
  await collector.close();

  const [first, second] = collector.received;
  assert.ok(first.task.description.startsWith("deploy with token=[REDACTED] to [REDACTED_IP] xxx"));
  assert.equal([...first.task.description].length, 4000);
  assert.equal(second.sessionId, "s-1");
  assert.equal(second.call.promptChars, 11);
  assert.deepEqual(second.attributes, { responseChars: "3" });
  assert.ok(!JSON.stringify(second).includes("secret plan"));
});

test("the CommonJS build is the same client", async () => {
  const { createRequire } = await import("node:module");
  const cjs = createRequire(import.meta.url)("../dist/cjs/index.cjs");
  assert.equal(typeof cjs.createTracker, "function");
  assert.equal(cjs.redact("mail a@b.co"), "mail [REDACTED_EMAIL]");
  assert.ok(existsSync(new URL("../dist/cjs/index.d.cts", import.meta.url)));
});
