package dev.agentmeter.client;

import dev.agentmeter.model.UsageEvent;

/**
 * Something went wrong with one event. Delivered to the {@link TrackingErrorHandler} on the
 * tracker's background thread, never thrown into agent code.
 *
 * @param type   what happened
 * @param event  the event concerned, as tracked (null when the caller passed null)
 * @param reason a sentence a person can act on
 * @param cause  the underlying exception, if any
 */
public record TrackingError(Type type, UsageEvent event, String reason, Throwable cause) {

    public enum Type {
        /** The event breaks the contract (see the reason); it was not sent. */
        INVALID,
        /** The in-memory queue or the spool was full; the event is lost. */
        DROPPED,
        /** Kafka refused the event for good (e.g. record too large); it was not spooled. */
        UNDELIVERABLE,
        /** The spool could not be written or read; events may be lost. */
        SPOOL_FAILURE
    }
}
