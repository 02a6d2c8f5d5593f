/** The contract's UsageEvent (shared/CONTRACT.md), as the collector takes it on POST /v1/events. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
  reasoningTokens?: number;
  estimated?: boolean;
}

export interface Task {
  type?: string | null;
  complexity?: string | null;
  description?: string | null;
}

export interface Call {
  method?: string | null;
  finishReason?: string | null;
  durationMs?: number | null;
  status?: "success" | "error" | null;
  errorMessage?: string | null;
  promptChars?: number | null;
}

export interface ApiCall {
  service: string;
  endpoint?: string | null;
  statusCode?: number | null;
  /** USD as a decimal string ("0.01"); a number is written as its shortest decimal. */
  costUsd?: string | number | null;
}

export interface UsageEvent {
  schemaVersion: 1;
  eventId: string;
  timestamp: string;
  kind: "llm" | "api";
  agent: string;
  userId?: string | null;
  sessionId?: string | null;
  teamId?: string | null;
  handoffChain?: string[] | null;
  provider?: string | null;
  model?: string | null;
  region?: string | null;
  usage?: Usage | null;
  /** A cost the provider itself reported (OpenRouter's usage.cost), USD as a decimal string. */
  providerCostUsd?: string | null;
  serviceTier?: string | null;
  task?: Task | null;
  call?: Call | null;
  api?: ApiCall | null;
  attributes?: Record<string, string> | null;
}

/** What `track()` takes: the tracker fills eventId (UUIDv7), timestamp, schemaVersion, and agent/team from its options. */
export type TrackInput = Omit<UsageEvent, "schemaVersion" | "eventId" | "timestamp" | "agent" | "kind" | "providerCostUsd"> & {
  eventId?: string;
  timestamp?: string | Date;
  agent?: string;
  kind?: "llm" | "api";
  providerCostUsd?: string | number | null;
};
