package dev.agentmeter.model.validation;

import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.model.TokenPrices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract's reasons to refuse a ModelPrice: no modelKey, no price, a price or a tier's
 * threshold out of bounds, an alias out of bounds. {@code prices set} and {@code prices import}
 * refuse them up front; the processor skips (and reports) what reaches the topic anyway.
 */
public final class PriceValidator {

    public static final int MAX_ALIASES = 1000;

    private PriceValidator() {}

    public static List<Violation> validate(ModelPrice price) {
        List<Violation> v = new ArrayList<>();
        identifier(v, "modelKey", price.modelKey());
        if (price.aliases().size() > MAX_ALIASES) {
            v.add(new Violation(
                    "aliases",
                    "maximum",
                    price.aliases().size() + " aliases; at most " + MAX_ALIASES + " are accepted"));
        } else {
            for (int i = 0; i < price.aliases().size(); i++) {
                identifier(v, "aliases[" + i + "]", price.aliases().get(i));
            }
        }
        if (price.prices().isEmpty()) {
            v.add(new Violation(
                    "prices",
                    "required",
                    "prices is required: at least one entry with an effectiveFrom" + " and prices per million tokens"));
        }
        for (int i = 0; i < price.prices().size(); i++) {
            EffectivePrice p = price.prices().get(i);
            String at = "prices[" + i + "]";
            if (p == null) {
                v.add(new Violation(at, "required", at + " is null"));
                continue;
            }
            if (p.effectiveFrom() != null && p.effectiveFrom().isBefore(Bounds.MIN_TIMESTAMP)) {
                v.add(new Violation(
                        at + ".effectiveFrom",
                        "minimum",
                        at + ".effectiveFrom " + p.effectiveFrom() + " is before " + Bounds.MIN_TIMESTAMP));
            }
            prices(v, at, p);
            longContext(v, at + ".longContext", p.longContext());
            if (p.serviceTiers() != null) {
                for (Map.Entry<String, TierPrice> tier : p.serviceTiers().entrySet()) {
                    String where = at + ".serviceTiers." + FreeText.prefix(tier.getKey(), 40);
                    if (!ServiceTiers.valid(tier.getKey())) {
                        v.add(new Violation(
                                where,
                                "serviceTier",
                                where + ": '" + FreeText.prefix(tier.getKey(), 40)
                                        + "' is not a tier name (1 to 40 characters of a-z, 0-9, _ and -)"));
                    }
                    TierPrice t = tier.getValue();
                    if (t == null) {
                        v.add(new Violation(where, "required", where + " is null"));
                        continue;
                    }
                    prices(v, where, t);
                    longContext(v, where + ".longContext", t.longContext());
                }
            }
        }
        return v;
    }

    private static void longContext(List<Violation> v, String at, LongContextPrice t) {
        if (t == null) {
            return;
        }
        add(v, Bounds.count(at + ".aboveInputTokens", t.aboveInputTokens()));
        prices(v, at, t);
    }

    private static void prices(List<Violation> v, String at, TokenPrices p) {
        add(v, Bounds.money(at + ".inputPerMTok", p.inputPerMTok()));
        add(v, Bounds.money(at + ".outputPerMTok", p.outputPerMTok()));
        add(v, Bounds.money(at + ".cacheReadPerMTok", p.cacheReadPerMTok()));
        add(v, Bounds.money(at + ".cacheWritePerMTok", p.cacheWritePerMTok()));
        add(v, Bounds.money(at + ".cacheWrite1hPerMTok", p.cacheWrite1hPerMTok()));
        add(v, Bounds.money(at + ".reasoningPerMTok", p.reasoningPerMTok()));
    }

    private static void identifier(List<Violation> v, String field, String value) {
        if (value == null || value.isEmpty()) {
            v.add(new Violation(
                    field, "required", field + " is required (1 to " + UsageEventValidator.MAX_NAME + " characters)"));
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (length > UsageEventValidator.MAX_NAME) {
            v.add(new Violation(
                    field,
                    "length",
                    field + " has " + length + " characters; at most " + UsageEventValidator.MAX_NAME
                            + " are accepted"));
        }
        if (!FreeText.isStorable(value)) {
            v.add(new Violation(field, "storable", field + " contains U+0000 or an unpaired UTF-16 surrogate"));
        }
    }

    private static void add(List<Violation> v, Violation violation) {
        if (violation != null) {
            v.add(violation);
        }
    }
}
