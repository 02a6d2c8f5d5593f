package dev.agentmeter.model;

/** Default topic names from the contract; every module's config can override them. */
public final class Topics {

    public static final String USAGE_RAW = "agentmeter.usage.raw";
    public static final String USAGE_PRICED = "agentmeter.usage.priced";
    public static final String USAGE_REJECTED = "agentmeter.usage.rejected";
    public static final String PRICES = "agentmeter.prices";
    public static final String BUDGETS = "agentmeter.budgets";
    public static final String BUDGET_ALERTS = "agentmeter.budget-alerts";

    /** Headers on rejected records. */
    public static final String HEADER_ERROR_REASON = "agentmeter.error.reason";
    public static final String HEADER_ERROR_FIELD = "agentmeter.error.field";
    public static final String HEADER_SOURCE_TOPIC = "agentmeter.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "agentmeter.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "agentmeter.source.offset";

    private Topics() {
    }
}
