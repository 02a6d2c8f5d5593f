package dev.agentmeter.processor.topology;

/**
 * The outcome of validation: a valid event (and whether it arrived on its {@link HomePartition}),
 * or the original bytes to reject (headers carry the reason).
 */
record Validated(Accepted accepted, boolean atHome, byte[] originalKey, byte[] originalValue) {

    boolean valid() {
        return accepted != null;
    }
}
