package dev.agentmeter.collector.otlp;

import java.util.Map;

/**
 * One span of an OTLP export, whichever encoding it came in: ids as lower-case hex (the parent's
 * empty for a root span), times in Unix nanoseconds, attribute values as Java values ({@code String},
 * {@code Long}, {@code Double}, {@code Boolean}, {@code List}, {@code Map}).
 */
public record OtlpSpan(
        Map<String, Object> resource,
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        long startNanos,
        long endNanos,
        Map<String, Object> attributes,
        boolean error,
        String statusMessage) {}
