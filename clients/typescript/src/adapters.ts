import type { TrackInput } from "./event.js";
import { fromAiSdkUsage, type AiSdkUsage } from "./shapes.js";

/**
 * Responses of the SDKs agents call, as tracked calls: the official `openai` package (Chat
 * Completions and Responses), `@anthropic-ai/sdk` (Messages) and the Vercel AI SDK (`ai`:
 * generateText's result or onFinish's event). Token semantics as the contract's: input includes
 * cache reads and writes, output includes reasoning; the service tier is the one the response names.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" ? (v as Obj) : undefined);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** An OpenAI Chat Completion or Response (`usage.prompt_tokens`… or `usage.input_tokens`…, `service_tier`). */
export function fromOpenAI(response: unknown): TrackInput {
  const r = obj(response) ?? {};
  const u = obj(r["usage"]) ?? {};
  const chat = "prompt_tokens" in u;
  const inDetails = obj(u[chat ? "prompt_tokens_details" : "input_tokens_details"]) ?? {};
  const outDetails = obj(u[chat ? "completion_tokens_details" : "output_tokens_details"]) ?? {};
  const input = num(u[chat ? "prompt_tokens" : "input_tokens"]);
  const cacheRead = num(inDetails["cached_tokens"]);
  const cacheWrite = num(inDetails["cache_write_tokens"]);
  return {
    kind: "llm",
    provider: "openai",
    model: str(r["model"]) ?? "unknown",
    usage: { inputTokens: input, outputTokens: num(u[chat ? "completion_tokens" : "output_tokens"]),
      cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, cacheWrite1hTokens: 0,
      reasoningTokens: num(outDetails["reasoning_tokens"]), estimated: false },
    serviceTier: str(r["service_tier"]) ?? null,
    call: { method: chat ? "chat.completions" : "responses",
      finishReason: str(obj((r["choices"] as unknown[] | undefined)?.[0])?.["finish_reason"]) ?? str(r["status"]) ?? null,
      status: "success" },
  };
}

/** An Anthropic Message: `usage.input_tokens` EXCLUDES the cache, added back here; 1-hour writes from `cache_creation`. */
export function fromAnthropic(message: unknown): TrackInput {
  const m = obj(message) ?? {};
  const u = obj(m["usage"]) ?? {};
  const cacheRead = num(u["cache_read_input_tokens"]);
  const cacheWrite = num(u["cache_creation_input_tokens"]);
  const creation = obj(u["cache_creation"]) ?? {};
  return {
    kind: "llm",
    provider: "anthropic",
    model: str(m["model"]) ?? "unknown",
    usage: { inputTokens: num(u["input_tokens"]) + cacheRead + cacheWrite, outputTokens: num(u["output_tokens"]),
      cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, cacheWrite1hTokens: num(creation["ephemeral_1h_input_tokens"]),
      reasoningTokens: 0, estimated: false },
    serviceTier: str(u["service_tier"]) ?? null,
    call: { method: "messages", finishReason: str(m["stop_reason"]) ?? null, status: "success" },
  };
}

/** The Vercel AI SDK's generateText result or onFinish event (`usage`, `response.modelId`, `providerMetadata`). */
export function fromAiSdk(result: unknown, provider?: string): TrackInput {
  const r = obj(result) ?? {};
  const response = obj(r["response"]) ?? {};
  const usage = fromAiSdkUsage((obj(r["totalUsage"]) ?? obj(r["usage"])) as AiSdkUsage | undefined);
  const meta = obj(r["providerMetadata"]) ?? {};
  const openrouterUsage = obj(obj(meta["openrouter"])?.["usage"]);
  const cost = openrouterUsage?.["cost"];
  const openai = obj(meta["openai"]) ?? {};
  return {
    kind: "llm",
    provider: provider ?? (openrouterUsage ? "openrouter" : null),
    model: str(response["modelId"]) ?? str(r["modelId"]) ?? "unknown",
    usage: usage ?? { inputTokens: 0, outputTokens: 0, estimated: true },
    providerCostUsd: typeof cost === "number" || typeof cost === "string" ? String(cost) : null,
    serviceTier: str(openai["serviceTier"]) ?? null,
    call: { method: "ai-sdk", finishReason: str(r["finishReason"]) ?? null, status: "success" },
  };
}
