package dev.agentmeter.processor.topology;

import dev.agentmeter.model.UsageEvent;

/**
 * The outcome of validation: a valid event (and whether it arrived on its {@link HomePartition}),
 * or the original bytes to reject (headers carry the reason).
 */
record Validated(UsageEvent event, boolean atHome, byte[] originalKey, byte[] originalValue) {

    boolean valid() {
        return event != null;
    }
}
