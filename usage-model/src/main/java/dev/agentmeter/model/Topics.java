package dev.agentmeter.model;

/** Default topic names from the contract; every module's config can override them. */
public final class Topics {

    public static final String USAGE_RAW = "agentmeter.usage.raw";
    public static final String USAGE_PRICED = "agentmeter.usage.priced";
    public static final String USAGE_REJECTED = "agentmeter.usage.rejected";
    public static final String PRICES = "agentmeter.prices";
    public static final String BUDGETS = "agentmeter.budgets";
    public static final String BUDGET_ALERTS = "agentmeter.budget-alerts";
    /** Compacted, key {@code scope|period}: each budgeted scope's current spend, limit and level. */
    public static final String BUDGET_STATUS = "agentmeter.budget-status";

    /** The sink's dead-letter topic (Connect's errors.deadletterqueue.topic.name in the shipped configs). */
    public static final String SINK_DLQ = "agentmeter.sink.dlq";
    /** The notifier's dead letters: budget alerts a target never took, with the target and the reason. */
    public static final String NOTIFY_DEAD_LETTERS = "agentmeter.notify.dead-letters";

    /** Headers on rejected records. */
    public static final String HEADER_ERROR_REASON = "agentmeter.error.reason";

    public static final String HEADER_ERROR_FIELD = "agentmeter.error.field";
    /** The broken rule's short name ({@code notInFuture}, {@code cacheWithinInput}, ...): what counts group by. */
    public static final String HEADER_ERROR_RULE = "agentmeter.error.rule";
    /**
     * Where a part failed on the record ({@code validate}, {@code budget-input}, {@code serialize:priced-sink}, ...):
     * not every rejection is a broken rule of the contract; this says which step to look at.
     */
    public static final String HEADER_ERROR_STAGE = "agentmeter.error.stage";
    /** On a record re-published by {@code agentmeter rejected replay}: where it was taken from ({@code topic:partition@offset}). */
    public static final String HEADER_REPLAYED_FROM = "agentmeter.replayed.from";

    public static final String HEADER_SOURCE_TOPIC = "agentmeter.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "agentmeter.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "agentmeter.source.offset";

    private Topics() {}
}
