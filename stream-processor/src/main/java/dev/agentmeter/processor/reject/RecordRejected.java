package dev.agentmeter.processor.reject;

import dev.agentmeter.model.validation.Violation;

/**
 * Thrown by a processor for a record whose content it cannot use (a budget out of bounds, a price
 * that is none): {@link RejectingExceptionHandler} puts the record on the rejected topic with this
 * reason and the task goes on with the next record. Cheap: no stack trace, the reason says it all.
 */
public final class RecordRejected extends RuntimeException {

    private final Violation violation;

    public RecordRejected(Violation violation) {
        super(violation.message(), null, false, false);
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }
}
