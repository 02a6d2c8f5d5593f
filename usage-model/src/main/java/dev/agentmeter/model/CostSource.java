package dev.agentmeter.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a priced record's {@code totalUsd} came from; see the contract's precedence rules. */
public enum CostSource {
    API,
    PROVIDER,
    FREE,
    CATALOG,
    DEFAULT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CostSource fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
