import type { TrackInput, Usage } from "./event.js";
import { codePoints } from "./redact.js";
import type { Tracker } from "./tracker.js";

/** An AI SDK usage object, v4 (`promptTokens`/`completionTokens`) or v5 (`inputTokens`/`outputTokens`/…). */
export interface AiSdkUsage {
  promptTokens?: number;
  completionTokens?: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
}

/** The event of a `configureUsageTracking(handler)` hook (the agent framework the seeds use). */
export interface UsageTrackingEvent {
  agentName: string;
  sessionId?: string;
  handoffChain?: string[];
  usage?: AiSdkUsage;
  providerMetadata?: unknown;
  method?: "generate" | "stream" | string;
  finishReason?: string;
  duration?: number;
  model?: string;
  response?: { modelId?: string };
  context?: Record<string, unknown>;
}

export interface HandlerOptions {
  /** The model when the event names none anywhere. */
  model?: string;
  /** The provider (default: openrouter when OpenRouter metadata is there, else unknown). */
  provider?: string;
  taskType?: string;
}

/** AI SDK usage as the contract's: input includes cached input, output includes reasoning. */
export function fromAiSdkUsage(u: AiSdkUsage | undefined): Usage | null {
  if (!u) {
    return null;
  }
  const input = u.inputTokens ?? u.promptTokens;
  const output = u.outputTokens ?? u.completionTokens;
  if (input === undefined && output === undefined) {
    return null;
  }
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    cacheReadTokens: u.cachedInputTokens ?? 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: u.reasoningTokens ?? 0,
    estimated: false,
  };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
}

/** OpenRouter's reported cost and model in `providerMetadata.openrouter.usage` (what extractOpenRouterUsage read). */
export function openRouterMetadata(providerMetadata: unknown): { costUsd?: string; model?: string } {
  const openrouter = record(record(providerMetadata)?.["openrouter"]);
  const usage = record(openrouter?.["usage"]);
  const cost = usage?.["cost"];
  const model = openrouter?.["model"] ?? openrouter?.["modelId"];
  return {
    ...(typeof cost === "number" || typeof cost === "string" ? { costUsd: String(cost) } : {}),
    ...(typeof model === "string" ? { model } : {}),
  };
}

/** A handler for `configureUsageTracking(handler)`: each event of the hook becomes a tracked call. */
export function usageTrackingHandler(tracker: Tracker, options: HandlerOptions = {}): (event: UsageTrackingEvent) => void {
  return (event) => {
    try {
      const openrouter = openRouterMetadata(event.providerMetadata);
      const ctx = event.context ?? {};
      const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
      const model = event.model ?? event.response?.modelId ?? openrouter.model ?? str(ctx["model"]) ?? options.model ?? "unknown";
      const input: TrackInput = {
        agent: event.agentName,
        kind: "llm",
        model,
        provider: options.provider ?? (openrouter.costUsd !== undefined ? "openrouter" : str(ctx["provider"]) ?? null),
        sessionId: event.sessionId ?? str(ctx["sessionId"]) ?? null,
        userId: str(ctx["userId"]) ?? null,
        teamId: str(ctx["teamId"]) ?? null,
        handoffChain: event.handoffChain && event.handoffChain.length > 0 ? event.handoffChain : null,
        usage: fromAiSdkUsage(event.usage) ?? { inputTokens: 0, outputTokens: 0, estimated: true },
        providerCostUsd: openrouter.costUsd ?? null,
        task: options.taskType ? { type: options.taskType } : null,
        call: { method: event.method ?? null, finishReason: event.finishReason ?? null,
          durationMs: typeof event.duration === "number" ? Math.round(event.duration) : null, status: "success" },
      };
      tracker.track(input);
    } catch {
      // a hook must never break the agent
    }
  };
}

/** The UsageLogger's `logLLM` fields (the Node usage-logging skill). */
export interface LogLLM {
  agent?: string;
  provider?: string;
  model: string;
  taskType?: string;
  taskDescription?: string;
  prompt?: string;
  response?: string;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  durationMs?: number;
  sessionKey?: string;
  status?: "success" | "error";
  errorMessage?: string;
  /** Store the prompt text (redacted, cut) as an attribute; off by default: only its length leaves. */
  storePrompt?: boolean;
}

/** The UsageLogger's `logAPI` fields. */
export interface LogAPI {
  agent?: string;
  service: string;
  endpoint?: string;
  statusCode?: number;
  durationMs?: number;
  costUsd?: string | number;
  sessionKey?: string;
}

/** `logLLM` as a tracked call: sessionKey is the session, prompt and response go as lengths in characters only. */
export function logLLM(tracker: Tracker, e: LogLLM): string | undefined {
  const attributes: Record<string, string> = {};
  if (e.response !== undefined) {
    attributes["responseChars"] = String(codePoints(e.response));
  }
  if (e.storePrompt && e.prompt !== undefined) {
    attributes["prompt"] = e.prompt;
  }
  const estimated = e.inputTokens === undefined;
  const promptChars = e.prompt !== undefined ? codePoints(e.prompt) : null;
  return tracker.track({
    ...(e.agent ? { agent: e.agent } : {}),
    kind: "llm",
    provider: e.provider ?? null,
    model: e.model,
    sessionId: e.sessionKey ?? null,
    usage: {
      // No counts given: the contract's estimate from the text (≈ 4 characters a token), marked estimated.
      inputTokens: e.inputTokens ?? Math.ceil((promptChars ?? 0) / 4),
      outputTokens: e.outputTokens ?? Math.ceil((e.response !== undefined ? codePoints(e.response) : 0) / 4),
      cacheReadTokens: e.cacheReadTokens ?? 0,
      estimated,
    },
    task: e.taskType || e.taskDescription ? { type: e.taskType ?? null, description: e.taskDescription ?? null } : null,
    call: { method: "logLLM", durationMs: e.durationMs ?? null, status: e.status ?? "success",
      errorMessage: e.errorMessage ?? null, promptChars },
    attributes: Object.keys(attributes).length > 0 ? attributes : null,
  });
}

/** `logAPI` as a tracked API call. */
export function logAPI(tracker: Tracker, e: LogAPI): string | undefined {
  return tracker.track({
    ...(e.agent ? { agent: e.agent } : {}),
    kind: "api",
    sessionId: e.sessionKey ?? null,
    api: { service: e.service, endpoint: e.endpoint ?? null, statusCode: e.statusCode ?? null,
      costUsd: e.costUsd === undefined ? null : String(e.costUsd) },
    call: { method: "logAPI", durationMs: e.durationMs ?? null,
      status: e.statusCode !== undefined && e.statusCode >= 400 ? "error" : "success" },
  });
}
