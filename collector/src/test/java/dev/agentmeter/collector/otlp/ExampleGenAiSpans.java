package dev.agentmeter.collector.otlp;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

/**
 * The two inference spans the OTLP tests export through a real OpenTelemetry SDK (the collector's
 * own IT and the CLI's pipeline IT), with the GenAI semantic conventions' attributes and the
 * figures their assertions price: a Sonnet chat with cache reads and writes, and an o4-mini chat
 * with reasoning tokens and a provider-reported cost.
 */
public final class ExampleGenAiSpans {

    private ExampleGenAiSpans() {}

    /** claude-sonnet-4-5: 2,000 in (1,500 cache reads, 200 cache writes), 300 out. */
    public static SpanBuilder cachedSonnetChat(Tracer tracer, String user) {
        return tracer.spanBuilder("chat claude-sonnet-4-5")
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", "anthropic")
                .setAttribute("gen_ai.request.model", "claude-sonnet-4-5")
                .setAttribute("gen_ai.usage.input_tokens", 2000L)
                .setAttribute("gen_ai.usage.output_tokens", 300L)
                .setAttribute("gen_ai.usage.cache_read.input_tokens", 1500L)
                .setAttribute("gen_ai.usage.cache_creation.input_tokens", 200L)
                .setAttribute("user.id", user);
    }

    /** o4-mini: 800 in, 900 out (700 of them reasoning), the provider's cost $0.0049. */
    public static SpanBuilder reasoningO4MiniChat(Tracer tracer, String user) {
        return tracer.spanBuilder("chat o4-mini")
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", "openai")
                .setAttribute("gen_ai.response.model", "o4-mini")
                .setAttribute("gen_ai.usage.input_tokens", 800L)
                .setAttribute("gen_ai.usage.output_tokens", 900L)
                .setAttribute("gen_ai.usage.reasoning.output_tokens", 700L)
                .setAttribute("gen_ai.usage.cost", 0.0049)
                .setAttribute("user.id", user);
    }
}
