package dev.agentmeter.sink;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.UnitPrices;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.Bounds;
import dev.agentmeter.model.validation.FreeText;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a Connect record value into a contract record, or into a reason why it cannot be stored.
 * Accepts the value as bytes (ByteArrayConverter, recommended), a string (StringConverter) or a
 * schemaless map (JsonConverter with schemas.enable=false).
 */
final class RecordDecoder {

    /** The record's content or the reason it is refused; exactly one is non-null. */
    record Decoded<T>(T value, String reason) {
        static <T> Decoded<T> ok(T value) {
            return new Decoded<>(value, null);
        }

        static <T> Decoded<T> refused(String reason) {
            return new Decoded<>(null, reason);
        }
    }

    private static final UsageEventValidator VALIDATOR = new UsageEventValidator();

    private RecordDecoder() {}

    static Decoded<PricedUsage> pricedUsage(Object value) {
        Decoded<PricedUsage> parsed = parse(value, PricedUsage.class);
        if (parsed.value() == null) {
            return parsed;
        }
        PricedUsage priced = parsed.value();
        String outOfBounds = outOfBounds(priced);
        if (outOfBounds != null) {
            return Decoded.refused(outOfBounds);
        }
        if (priced.event() != null) {
            // What the processor writes is cut and checked already; a record from anywhere else is cut and
            // checked here, so that no value of it can fail a batch (an identifier of 100,000 characters is
            // beyond what a PostgreSQL index takes). Timestamps are left to PostgreSQL, see outOfBounds.
            FreeText.Cut cut = FreeText.cut(priced.event());
            List<Violation> rules = VALIDATOR.validate(cut.event()).stream()
                    .filter(v -> !v.field().equals("timestamp"))
                    .toList();
            if (!rules.isEmpty()) {
                return Decoded.refused(
                        "PricedUsage breaks the contract: " + rules.get(0).message());
            }
            if (cut.changed()) {
                priced = new PricedUsage(
                        cut.event(),
                        priced.pricing(),
                        priced.cost(),
                        priced.pricedAt(),
                        priced.truncated() || cut.cut());
                parsed = Decoded.ok(priced);
            }
        }
        List<String> missing = new ArrayList<>();
        if (priced.event().eventId() == null || priced.event().eventId().isBlank()) {
            missing.add("eventId");
        }
        if (priced.event().timestamp() == null) {
            missing.add("timestamp");
        }
        if (priced.event().kind() == null) {
            missing.add("kind");
        }
        if (priced.event().agent() == null) {
            missing.add("agent");
        }
        if (priced.pricing() == null || priced.pricing().source() == null) {
            missing.add("pricing.source");
        }
        if (priced.cost() == null
                || priced.cost().totalUsd() == null
                || priced.cost().inputUsd() == null
                || priced.cost().outputUsd() == null
                || priced.cost().cacheReadUsd() == null
                || priced.cost().cacheWriteUsd() == null) {
            missing.add("cost (inputUsd, outputUsd, cacheReadUsd, cacheWriteUsd, totalUsd)");
        }
        if (priced.pricedAt() == null) {
            missing.add("pricedAt");
        }
        return missing.isEmpty()
                ? parsed
                : Decoded.refused("PricedUsage lacks required field(s): " + String.join(", ", missing));
    }

    static Decoded<BudgetAlert> budgetAlert(Object value) {
        Decoded<BudgetAlert> parsed = parse(value, BudgetAlert.class);
        if (parsed.value() == null) {
            return parsed;
        }
        BudgetAlert alert = parsed.value();
        List<String> missing = new ArrayList<>();
        if (alert.alertId() == null || alert.alertId().isBlank()) {
            missing.add("alertId");
        }
        if (alert.scope() == null) {
            missing.add("scope");
        }
        if (alert.period() == null) {
            missing.add("period");
        }
        if (alert.windowStart() == null) {
            missing.add("windowStart");
        }
        if (alert.threshold() == null) {
            missing.add("threshold");
        }
        if (alert.level() == null) {
            missing.add("level");
        }
        if (alert.spendUsd() == null || alert.limitUsd() == null) {
            missing.add("spendUsd/limitUsd");
        }
        if (alert.raisedAt() == null) {
            missing.add("raisedAt");
        }
        return missing.isEmpty()
                ? parsed
                : Decoded.refused("BudgetAlert lacks required field(s): " + String.join(", ", missing));
    }

    /**
     * The first number of the record beyond the contract's bounds, or null: checked before any
     * value is written out (formatting 1e-999999999 as a plain decimal alone is a billion characters).
     * Costs may reach tokens × price: up to 10^12 USD with 24 decimal places. (Timestamps are left to
     * PostgreSQL: one it cannot store is refused with the row, which goes to the dead-letter queue.)
     */
    private static String outOfBounds(PricedUsage p) {
        UsageEvent e = p.event();
        List<Violation> v = new ArrayList<>();
        add(v, Bounds.money("providerCostUsd", e.providerCostUsd()));
        if (e.api() != null) {
            add(v, Bounds.money("api.costUsd", e.api().costUsd()));
        }
        if (e.usage() != null) {
            add(v, Bounds.count("usage.inputTokens", e.usage().inputTokens()));
            add(v, Bounds.count("usage.outputTokens", e.usage().outputTokens()));
            add(v, Bounds.count("usage.cacheReadTokens", e.usage().cacheReadTokens()));
            add(v, Bounds.count("usage.cacheWriteTokens", e.usage().cacheWriteTokens()));
            add(v, Bounds.count("usage.cacheWrite1hTokens", e.usage().cacheWrite1hTokens()));
            add(v, Bounds.count("usage.reasoningTokens", e.usage().reasoningTokens()));
        }
        if (e.call() != null) {
            if (e.call().durationMs() != null) {
                add(v, Bounds.count("call.durationMs", e.call().durationMs(), Bounds.MAX_DURATION_MS));
            }
            if (e.call().promptChars() != null) {
                add(v, Bounds.count("call.promptChars", e.call().promptChars()));
            }
        }
        Cost c = p.cost();
        if (c != null) {
            add(v, Bounds.cost("cost.inputUsd", c.inputUsd()));
            add(v, Bounds.cost("cost.outputUsd", c.outputUsd()));
            add(v, Bounds.cost("cost.cacheReadUsd", c.cacheReadUsd()));
            add(v, Bounds.cost("cost.cacheWriteUsd", c.cacheWriteUsd()));
            add(v, Bounds.cost("cost.totalUsd", c.totalUsd()));
            add(v, Bounds.cost("cost.catalogUsd", c.catalogUsd()));
        }
        UnitPrices u = p.pricing() == null ? null : p.pricing().unitPrices();
        if (u != null) {
            add(v, Bounds.money("pricing.unitPrices.inputPerMTok", u.inputPerMTok()));
            add(v, Bounds.money("pricing.unitPrices.outputPerMTok", u.outputPerMTok()));
            add(v, Bounds.money("pricing.unitPrices.cacheReadPerMTok", u.cacheReadPerMTok()));
            add(v, Bounds.money("pricing.unitPrices.cacheWritePerMTok", u.cacheWritePerMTok()));
            add(v, Bounds.money("pricing.unitPrices.cacheWrite1hPerMTok", u.cacheWrite1hPerMTok()));
            add(v, Bounds.money("pricing.unitPrices.reasoningPerMTok", u.reasoningPerMTok()));
        }
        return v.isEmpty() ? null : "PricedUsage out of bounds: " + v.get(0).message();
    }

    private static void add(List<Violation> v, Violation violation) {
        if (violation != null) {
            v.add(violation);
        }
    }

    private static <T> Decoded<T> parse(Object value, Class<T> type) {
        try {
            if (value instanceof byte[] bytes) {
                return Decoded.ok(ContractJson.mapper().readValue(bytes, type));
            }
            if (value instanceof String text) {
                return Decoded.ok(ContractJson.mapper().readValue(text.getBytes(StandardCharsets.UTF_8), type));
            }
            if (value instanceof Map<?, ?> map) {
                return Decoded.ok(ContractJson.mapper().convertValue(map, type));
            }
            return Decoded.refused(
                    "unsupported record value type " + value.getClass().getName()
                            + "; configure value.converter=org.apache.kafka.connect.converters.ByteArrayConverter");
        } catch (Exception e) {
            return Decoded.refused(
                    "not a valid " + type.getSimpleName() + " JSON document: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
