package dev.agentmeter.model;

/**
 * Token counts of one LLM call, with the OpenTelemetry GenAI semantics the contract fixes:
 * {@code inputTokens} includes cache reads and cache writes, {@code outputTokens} includes
 * reasoning tokens, and {@code cacheWrite1hTokens} is the part of the cache writes made with a
 * one-hour lifetime.
 */
public record Usage(
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long cacheWrite1hTokens,
        long reasoningTokens,
        boolean estimated) {

    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, 0, 0, false);
    }

    /** Input tokens billed at the plain input price (neither cache reads nor cache writes). */
    public long uncachedInputTokens() {
        return inputTokens - cacheReadTokens - cacheWriteTokens;
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage withEstimated(boolean value) {
        return new Usage(
                inputTokens,
                outputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                cacheWrite1hTokens,
                reasoningTokens,
                value);
    }
}
