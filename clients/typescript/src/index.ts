export type { ApiCall, Call, Task, TrackInput, Usage, UsageEvent } from "./event.js";
export { createTracker, prepare, type Tracker, type TrackerOptions, type TrackerStats, type TrackingError } from "./tracker.js";
export { clean, cut, redact, DEFAULT_RULES, MAX_ATTRIBUTES, MAX_ATTRIBUTE_VALUE, MAX_LABEL, MAX_TEXT, type RedactionRule } from "./redact.js";
export { uuidv7 } from "./uuid.js";
export { usageTrackingHandler, logLLM, logAPI, fromAiSdkUsage, openRouterMetadata, type UsageTrackingEvent, type LogLLM,
  type LogAPI, type HandlerOptions, type AiSdkUsage } from "./shapes.js";
export { fromOpenAI, fromAnthropic, fromAiSdk } from "./adapters.js";
