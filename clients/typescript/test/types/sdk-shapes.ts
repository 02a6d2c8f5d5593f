// Compile-time proof that the fields the adapters read are the ones the real SDK packages declare
// (openai, @anthropic-ai/sdk, ai: devDependencies at the versions in package.json). A renamed or
// removed field fails `npm test` here before it silently reads zero in an agent.
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { Response } from "openai/resources/responses/responses";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { GenerateTextResult, LanguageModelUsage, ToolSet, Output } from "ai";
import { fromAiSdk, fromAnthropic, fromOpenAI, type AiSdkUsage, type TrackInput } from "../../src/index.js";

type Has<T, K extends PropertyKey> = K extends keyof NonNullable<T> ? true : false;
const yes = <T extends true>(): T => true as T;

// OpenAI Chat Completions: usage.prompt_tokens (cached inside), completion_tokens (reasoning inside), service_tier
type ChatUsage = NonNullable<ChatCompletion["usage"]>;
yes<Has<ChatUsage, "prompt_tokens">>();
yes<Has<ChatUsage, "completion_tokens">>();
yes<Has<NonNullable<ChatUsage["prompt_tokens_details"]>, "cached_tokens">>();
yes<Has<NonNullable<ChatUsage["completion_tokens_details"]>, "reasoning_tokens">>();
yes<Has<ChatCompletion, "service_tier">>();
yes<Has<ChatCompletion["choices"][number], "finish_reason">>();

// OpenAI Responses: usage.input_tokens, input_tokens_details.cached_tokens, output_tokens_details.reasoning_tokens
type ResponsesUsage = NonNullable<Response["usage"]>;
yes<Has<ResponsesUsage, "input_tokens">>();
yes<Has<ResponsesUsage["input_tokens_details"], "cached_tokens">>();
yes<Has<ResponsesUsage["output_tokens_details"], "reasoning_tokens">>();
yes<Has<Response, "service_tier">>();

// Anthropic Messages: input_tokens excludes the cache; cache_creation holds the one-hour writes
type AnthropicUsage = Message["usage"];
yes<Has<AnthropicUsage, "input_tokens">>();
yes<Has<AnthropicUsage, "cache_read_input_tokens">>();
yes<Has<AnthropicUsage, "cache_creation_input_tokens">>();
yes<Has<NonNullable<AnthropicUsage["cache_creation"]>, "ephemeral_1h_input_tokens">>();
yes<Has<AnthropicUsage, "service_tier">>();
yes<Has<Message, "stop_reason">>();

// The AI SDK: LanguageModelUsage is what the configureUsageTracking hook's usage is; the result's metadata
yes<Has<LanguageModelUsage, "inputTokens">>();
yes<Has<LanguageModelUsage, "cachedInputTokens">>();
yes<Has<LanguageModelUsage, "reasoningTokens">>();
const usage: AiSdkUsage = {} as LanguageModelUsage; // the hook takes the SDK's own usage object
void usage;
type Result = GenerateTextResult<ToolSet, Output.Output<string, string>>;
yes<Has<Result, "totalUsage">>();
yes<Has<Result["response"], "modelId">>();
yes<Has<Result, "providerMetadata">>();

// The adapters take the SDKs' objects as they come.
export function adapt(chat: ChatCompletion, response: Response, message: Message, result: Result): TrackInput[] {
  return [fromOpenAI(chat), fromOpenAI(response), fromAnthropic(message), fromAiSdk(result)];
}
