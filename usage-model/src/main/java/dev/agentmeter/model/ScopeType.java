package dev.agentmeter.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of scope spend is tracked and budgeted for. */
public enum ScopeType {
    GLOBAL,
    TEAM,
    AGENT,
    USER,
    SESSION;

    /** Computed once: scope keys are built several times per event in the processor. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ScopeType fromWire(String value) {
        for (ScopeType t : values()) {
            if (t.wireName().equalsIgnoreCase(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown scope type '" + value + "'; expected one of "
                + Arrays.stream(values()).map(ScopeType::wireName).collect(Collectors.joining(", ")));
    }
}
