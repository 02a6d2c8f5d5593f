package dev.agentmeter.model.validation;

/**
 * One broken rule: the field (JSON path, e.g. {@code usage.cacheReadTokens}), the rule's short name
 * (e.g. {@code required}, {@code cacheWithinInput}) and a sentence a person can act on.
 */
public record Violation(String field, String rule, String message) {

    @Override
    public String toString() {
        return message;
    }
}
