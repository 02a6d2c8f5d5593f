package dev.agentmeter.model.validation;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.ScopeType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract's reasons to refuse a Budget: no scope, a scope id out of bounds, a limit out of
 * bounds, a SESSION limit on a scope that is not a session, thresholds that are not fractions of
 * the limit a person would set. {@code budgets set} refuses them up front; the processor rejects
 * what reaches the topic anyway (to the rejected topic, with the reason).
 */
public final class BudgetValidator {

    /** Thresholds are fractions of the limit: 1.0 is the limit itself; more than 100 times it is a typo. */
    public static final BigDecimal MAX_THRESHOLD = BigDecimal.valueOf(100);

    public static final int MAX_THRESHOLDS = 32;

    private BudgetValidator() {}

    public static List<Violation> validate(Budget budget) {
        List<Violation> v = new ArrayList<>();
        if (budget.scope() == null) {
            v.add(new Violation("scope", "required", "scope is required (TYPE:ID, e.g. user:alice or global:*)"));
        } else {
            String id = budget.scope().id();
            int length = id.codePointCount(0, id.length());
            if (length > UsageEventValidator.MAX_NAME) {
                v.add(new Violation(
                        "scope",
                        "length",
                        "the scope's id has " + length + " characters; at most " + UsageEventValidator.MAX_NAME
                                + " are accepted"));
            }
            if (!FreeText.isStorable(id)) {
                v.add(new Violation(
                        "scope",
                        "storable",
                        "the scope's id contains U+0000 or an unpaired UTF-16" + " surrogate, which cannot be stored"));
            }
            if (budget.scope().type() == ScopeType.GLOBAL && !id.equals("*")) {
                v.add(new Violation(
                        "scope", "global", "the global scope is global:*, not global:" + FreeText.prefix(id, 40)));
            }
        }
        if (budget.limits().isEmpty()) {
            v.add(new Violation(
                    "limits",
                    "required",
                    "limits is required: at least one of HOUR, DAY, MONTH, SESSION" + " with a limit in USD"));
        }
        for (Map.Entry<Period, BigDecimal> limit : budget.limits().entrySet()) {
            String field = "limits." + limit.getKey();
            if (limit.getValue() == null) {
                v.add(new Violation(
                        field, "required", field + " has no value; give a limit in USD or leave the period out"));
                continue;
            }
            Violation bad = Bounds.money(field, limit.getValue());
            if (bad != null) {
                v.add(bad);
            }
            if (limit.getKey() == Period.SESSION
                    && budget.scope() != null
                    && budget.scope().type() != ScopeType.SESSION) {
                v.add(new Violation(
                        field,
                        "sessionOnly",
                        "a SESSION limit applies to session scopes only, not to "
                                + budget.scope().type().wireName() + " scopes"));
            }
        }
        if (budget.thresholds().size() > MAX_THRESHOLDS) {
            v.add(new Violation(
                    "thresholds",
                    "maximum",
                    budget.thresholds().size() + " thresholds; at most " + MAX_THRESHOLDS + " are accepted"));
        }
        for (int i = 0; i < budget.thresholds().size() && i < MAX_THRESHOLDS; i++) {
            BigDecimal t = budget.thresholds().get(i);
            String field = "thresholds[" + i + "]";
            if (t == null) {
                v.add(new Violation(field, "required", field + " is null; give a fraction of the limit such as 0.8"));
            } else if (t.signum() <= 0 || t.compareTo(MAX_THRESHOLD) > 0) {
                v.add(new Violation(
                        field,
                        "range",
                        field + " is " + Bounds.describe(t)
                                + "; a threshold is a fraction of the limit above 0 and at most 100 (0.8 = 80 %)"));
            } else if (t.scale() > Bounds.MAX_MONEY_SCALE
                    && t.stripTrailingZeros().scale() > Bounds.MAX_MONEY_SCALE) {
                v.add(new Violation(
                        field,
                        "scale",
                        field + " has more than " + Bounds.MAX_MONEY_SCALE + " digits after the decimal point"));
            }
        }
        return v;
    }
}
