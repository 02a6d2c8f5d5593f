import { homedir } from "node:os";
import { join } from "node:path";
import type { TrackInput, UsageEvent } from "./event.js";
import { clean, cut, DEFAULT_RULES, MAX_ATTRIBUTE_VALUE, MAX_ATTRIBUTES, MAX_LABEL, MAX_TEXT, type RedactionRule } from "./redact.js";
import { FileStore, MemoryStore, type Store } from "./store.js";
import { uuidv7 } from "./uuid.js";
import { logAPI, logLLM, type LogAPI, type LogLLM } from "./shapes.js";

/** Something the tracker could not do; it never throws into the agent, it tells `onError`. */
export interface TrackingError {
  kind: "rejected" | "dropped" | "unreachable" | "refused" | "invalid";
  message: string;
  eventIds: string[];
}

export interface TrackerOptions {
  /** The collector's base URL, e.g. http://localhost:4318 (POST /v1/events is appended). */
  endpoint: string;
  /** The collector's ingest token, when it asks for one. */
  token?: string;
  /** The agent every event is attributed to unless the event names one. */
  agent: string;
  team?: string;
  userId?: string;
  /** Events per request (default 100) and the longest an event waits for its batch (default 1000 ms). */
  batchSize?: number;
  flushIntervalMs?: number;
  /**
   * Where events wait, in order, while the collector is away, and across restarts (default
   * ~/.agentmeter/spool-node/<agent>.ndjson); null keeps them in memory only.
   */
  spoolPath?: string | null;
  /** Disk (or memory) the waiting events may take (default 100 MiB); beyond it new events are dropped and counted. */
  maxSpoolBytes?: number;
  /** Events waiting to be written to the spool (default 10,000); beyond it new events are dropped and counted. */
  maxQueue?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  redactionRules?: readonly RedactionRule[];
  onError?: (error: TrackingError) => void;
  /** Flush on beforeExit and keep what is queued on exit (default true). */
  exitHook?: boolean;
  /** For tests. */
  fetch?: typeof fetch;
}

export interface TrackerStats {
  tracked: number;
  sent: number;
  rejected: number;
  dropped: number;
  waitingBytes: number;
  queued: number;
}

export interface Tracker {
  /** Queues one event and returns its eventId; never throws, never waits. Undefined when it had to drop it. */
  track(event: TrackInput): string | undefined;
  /** Resolves once everything tracked so far was sent, or kept in the spool when the collector is away. */
  flush(): Promise<void>;
  /** Flushes, stops the timers and the exit hook. */
  shutdown(): Promise<void>;
  stats(): TrackerStats;
  /** The UsageLogger's logLLM: sessionKey → sessionId; prompt and response as lengths, their text only when asked. */
  logLLM(event: LogLLM): string | undefined;
  logAPI(event: LogAPI): string | undefined;
}

function money(v: string | number | null | undefined): string | null | undefined {
  if (v === null || v === undefined) {
    return v;
  }
  return typeof v === "number" ? String(v) : v;
}

/** Free text redacted and cut, labels cut, as the Java client does before anything leaves. */
export function prepare(input: TrackInput, options: Pick<TrackerOptions, "agent" | "team" | "userId" | "redactionRules">,
                        now: Date = new Date()): { event: UsageEvent; truncated: boolean } {
  const rules = options.redactionRules ?? DEFAULT_RULES;
  let truncated = false;
  const text = (s: string | null | undefined, max: number): string | null | undefined => {
    if (s === null || s === undefined) {
      return s;
    }
    const c = clean(s, max, rules);
    truncated ||= c.cut;
    return c.text;
  };
  const label = (s: string | null | undefined): string | null | undefined => {
    if (s === null || s === undefined) {
      return s;
    }
    const c = cut(s, MAX_LABEL);
    truncated ||= c.cut;
    return c.text;
  };
  const ts = input.timestamp instanceof Date ? input.timestamp.toISOString() : input.timestamp ?? now.toISOString();
  const event: UsageEvent = {
    schemaVersion: 1,
    eventId: input.eventId ?? uuidv7(now.getTime()),
    timestamp: ts,
    kind: input.kind ?? (input.api && !input.usage ? "api" : "llm"),
    agent: input.agent ?? options.agent,
    userId: input.userId ?? options.userId ?? null,
    sessionId: input.sessionId ?? null,
    teamId: input.teamId ?? options.team ?? null,
    handoffChain: input.handoffChain?.map((a) => label(a) ?? a) ?? null,
    provider: label(input.provider) ?? null,
    model: input.model ?? null,
    region: label(input.region) ?? null,
    usage: input.usage ?? null,
    providerCostUsd: money(input.providerCostUsd) ?? null,
    serviceTier: input.serviceTier ? input.serviceTier.trim().toLowerCase().replace(/^(default|auto)$/, "standard") : null,
    task: input.task ? { type: label(input.task.type) ?? null, complexity: label(input.task.complexity) ?? null,
      description: text(input.task.description, MAX_TEXT) ?? null } : null,
    call: input.call ? { ...input.call, method: label(input.call.method) ?? null,
      finishReason: text(input.call.finishReason, MAX_TEXT) ?? null, errorMessage: text(input.call.errorMessage, MAX_TEXT) ?? null } : null,
    api: input.api ? { ...input.api, service: label(input.api.service) ?? input.api.service,
      endpoint: text(input.api.endpoint, MAX_TEXT) ?? null, costUsd: money(input.api.costUsd) ?? null } : null,
    attributes: null,
  };
  if (input.attributes) {
    const keys = Object.keys(input.attributes).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const attributes: Record<string, string> = {};
    keys.slice(0, MAX_ATTRIBUTES).forEach((k) => {
      attributes[label(k) ?? k] = text(String(input.attributes![k]), MAX_ATTRIBUTE_VALUE) ?? "";
    });
    truncated ||= keys.length > MAX_ATTRIBUTES;
    event.attributes = attributes;
  }
  return { event, truncated };
}

export function createTracker(options: TrackerOptions): Tracker {
  const batchSize = options.batchSize ?? 100;
  const interval = options.flushIntervalMs ?? 1000;
  const maxQueue = options.maxQueue ?? 10_000;
  const maxBytes = options.maxSpoolBytes ?? 100 * 1024 * 1024;
  const retryInitial = options.retryInitialMs ?? 500;
  const retryMax = options.retryMaxMs ?? 30_000;
  const timeout = options.requestTimeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const url = options.endpoint.replace(/\/+$/, "") + "/v1/events";
  const spoolPath = options.spoolPath === undefined
    ? join(homedir(), ".agentmeter", "spool-node", options.agent.replace(/[^A-Za-z0-9._-]/g, "_") + ".ndjson")
    : options.spoolPath;
  let store: Store;
  try {
    store = spoolPath ? new FileStore(spoolPath, maxBytes) : new MemoryStore(maxBytes);
  } catch (e) {
    report({ kind: "invalid", message: `spool ${spoolPath} unusable (${String(e)}): events kept in memory`, eventIds: [] });
    store = new MemoryStore(maxBytes);
  }
  const stats: TrackerStats = { tracked: 0, sent: 0, rejected: 0, dropped: 0, waitingBytes: 0, queued: 0 };
  let queue: string[] = [];
  let writing: Promise<void> = Promise.resolve();
  let sending: Promise<void> | null = null;
  let failures = 0;
  let retryAt = 0;
  let closed = false;

  function report(error: TrackingError): void {
    try {
      options.onError?.(error);
    } catch {
      // the agent's callback must not break tracking either
    }
  }

  const timer = setInterval(() => void pump(), interval);
  timer.unref();

  /** Queued events into the store (the journal), in order. */
  function persist(): Promise<void> {
    writing = writing.then(async () => {
      if (queue.length === 0) {
        return;
      }
      const lines = queue;
      queue = [];
      stats.queued = 0;
      if (!(await store.append(lines))) {
        stats.dropped += lines.length;
        report({ kind: "dropped", message: `the spool is full (${maxBytes} bytes): ${lines.length} event(s) dropped`,
          eventIds: lines.map((l) => (JSON.parse(l) as UsageEvent).eventId) });
      }
    }).catch((e) => {
      report({ kind: "dropped", message: `cannot write the spool: ${String(e)}`, eventIds: [] });
    });
    return writing;
  }

  function track(input: TrackInput): string | undefined {
    try {
      if (closed) {
        report({ kind: "dropped", message: "tracker is shut down", eventIds: [] });
        return undefined;
      }
      if (queue.length >= maxQueue) {
        stats.dropped++;
        report({ kind: "dropped", message: `queue full (${maxQueue} events)`, eventIds: [] });
        return undefined;
      }
      const { event } = prepare(input, options);
      queue.push(JSON.stringify(event));
      stats.tracked++;
      stats.queued = queue.length;
      queueMicrotask(() => void persist());
      if (queue.length >= batchSize) {
        setImmediate(() => void pump());
      }
      return event.eventId;
    } catch (e) {
      report({ kind: "invalid", message: `cannot track the event: ${String(e)}`, eventIds: [] });
      return undefined;
    }
  }

  /** One sender at a time: journal first, then batches in order until the store is empty or the collector fails. */
  function pump(): Promise<void> {
    if (!sending) {
      sending = (async () => {
        try {
          await persist();
          while (Date.now() >= retryAt) {
            const { lines, next } = await store.peek(batchSize);
            if (lines.length === 0) {
              break;
            }
            const outcome = await send(lines);
            if (outcome === "retry") {
              failures++;
              const backoff = Math.min(retryMax, retryInitial * 2 ** Math.min(failures - 1, 16));
              retryAt = Math.max(retryAt, Date.now() + backoff / 2 + Math.random() * backoff / 2);
              break;
            }
            failures = 0;
            retryAt = 0;
            await store.commit(next);
          }
        } catch (e) {
          report({ kind: "unreachable", message: `sending failed: ${String(e)}`, eventIds: [] });
        } finally {
          stats.waitingBytes = store.bytes();
          sending = null;
        }
      })();
    }
    return sending;
  }

  /** "done": the batch is settled (accepted, or rejected for good); "retry": send it again later, same ids. */
  async function send(lines: string[]): Promise<"done" | "retry"> {
    const ids = lines.map((l) => (JSON.parse(l) as UsageEvent).eventId);
    const headers: Record<string, string> = { "Content-Type": "application/x-ndjson" };
    if (options.token) {
      headers["Authorization"] = `Bearer ${options.token}`;
    }
    let response: Response;
    try {
      response = await doFetch(url, { method: "POST", headers, body: lines.join("\n") + "\n", signal: AbortSignal.timeout(timeout) });
    } catch (e) {
      report({ kind: "unreachable", message: `collector ${new URL(url).host} unreachable: ${String(e)}`, eventIds: ids });
      return "retry";
    }
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
      retryAt = Date.now() + Math.min(retryAfter * 1000, retryMax);
    }
    let body: { results?: { status: string; eventId?: string; reason?: string; index: number }[] } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // no JSON body (a proxy's 502, a 429 from a gateway)
    }
    const results = body.results ?? [];
    const rejected = results.filter((r) => r.status === "rejected");
    if (rejected.length > 0) {
      stats.rejected += rejected.length;
      report({ kind: "rejected", message: rejected.map((r) => `event ${r.index}: ${r.reason}`).join("; "),
        eventIds: rejected.map((r) => ids[r.index] ?? "") });
    }
    if (response.status === 200 || response.status === 422) {
      stats.sent += results.filter((r) => r.status === "accepted").length;
      return "done";
    }
    if ((response.status === 503 || response.status === 507) && results.length > 0) {
      // Accepted ones are durable; the rest go again with the same ids (the collector counts each once).
      const again = results.filter((r) => r.status === "not_durable").map((r) => lines[r.index]!);
      stats.sent += results.filter((r) => r.status === "accepted").length;
      if (again.length > 0) {
        await store.append(again);
      }
      return "done";
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500 || response.status === 401
        || response.status === 403) {
      report({ kind: response.status === 401 || response.status === 403 ? "refused" : "unreachable",
        message: `collector answered HTTP ${response.status}; kept, sent again later`, eventIds: ids });
      return "retry";
    }
    stats.dropped += ids.length;
    report({ kind: "refused", message: `collector refused the batch: HTTP ${response.status}`, eventIds: ids });
    return "done";
  }

  function exitHook(): void {
    try {
      store.appendSync(queue);
      queue = [];
    } catch {
      // exiting: nothing more to do
    }
  }
  const beforeExit = () => void pump();
  if (options.exitHook !== false) {
    process.on("beforeExit", beforeExit);
    process.on("exit", exitHook);
  }

  return {
    track,
    async flush() {
      await persist();
      await pump();
      // Until the store is empty, or the collector is away (then what waits is in the spool).
      for (let i = 0; i < 100_000 && store.bytes() > 0 && Date.now() >= retryAt; i++) {
        await pump();
      }
    },
    async shutdown() {
      await this.flush();
      closed = true;
      clearInterval(timer);
      process.off("beforeExit", beforeExit);
      process.off("exit", exitHook);
      await writing;
    },
    stats() {
      return { ...stats, queued: queue.length, waitingBytes: store.bytes() };
    },
    logLLM(event: LogLLM) {
      return logLLM(this, event);
    },
    logAPI(event: LogAPI) {
      return logAPI(this, event);
    },
  };
}

