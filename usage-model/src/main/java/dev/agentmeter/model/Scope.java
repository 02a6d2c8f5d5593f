package dev.agentmeter.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** A scope {@code TYPE:ID}, e.g. {@code user:alice}; {@code global:*} is the whole installation. */
public record Scope(ScopeType type, String id) {

    public static final Scope GLOBAL = new Scope(ScopeType.GLOBAL, "*");

    public Scope {
        Objects.requireNonNull(type, "type");
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("scope id must not be empty");
        }
    }

    public static Scope of(ScopeType type, String id) {
        return new Scope(type, id);
    }

    @JsonCreator
    public static Scope parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("scope '" + text + "' is not TYPE:ID (e.g. user:alice, global:*)");
        }
        return new Scope(ScopeType.fromWire(text.substring(0, colon)), text.substring(colon + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return type.wireName() + ":" + id;
    }
}
