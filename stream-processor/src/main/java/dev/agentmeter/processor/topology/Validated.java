package dev.agentmeter.processor.topology;

import dev.agentmeter.model.UsageEvent;

/** The outcome of validation: a valid event, or the original bytes to reject (headers carry the reason). */
record Validated(UsageEvent event, byte[] originalKey, byte[] originalValue) {

    boolean valid() {
        return event != null;
    }
}
