package dev.agentmeter.client;

/**
 * What became of one event handed to {@link UsageTracker#trackDurably}: made durable (acknowledged
 * by Kafka, or fsynced in the disk spool while Kafka is away) or not, and why not.
 *
 * @param eventId the event's id (null when the event was null)
 * @param outcome what happened
 * @param reason  for an outcome that is not durable, a sentence a person can act on; else null
 */
public record Durability(String eventId, Outcome outcome, String reason) {

    public enum Outcome {
        /** Acknowledged by Kafka ({@code acks=all}). */
        SENT,
        /** Written to the disk spool and fsynced; replayed to Kafka once it is back. */
        SPOOLED,
        /** Breaks the contract (see the reason); not sent. */
        INVALID,
        /** Not kept: the queue or the spool was full, or the spool could not be written or fsynced. */
        DROPPED,
        /** Kafka refused it for good (e.g. too large). */
        UNDELIVERABLE
    }

    public boolean durable() {
        return outcome == Outcome.SENT || outcome == Outcome.SPOOLED;
    }

    /** Dropped because the spool is full (the collector answers 507 for these). */
    public boolean spoolFull() {
        return outcome == Outcome.DROPPED && reason != null && reason.startsWith(SPOOL_FULL);
    }

    static final String SPOOL_FULL = "the spool is full";
}
