package dev.agentmeter.sink.write;

import java.util.function.Function;

/**
 * One column of a sink table: its name, its Postgres type and where its value comes from.
 * Values are String, Long, Integer, Boolean, BigDecimal, Instant, List&lt;String&gt; (text[]) or
 * {@link PgText.Json} (jsonb); null is SQL NULL.
 */
public record Column<T>(String name, String sqlType, Function<T, Object> value) {

    public static <T> Column<T> of(String name, String sqlType, Function<T, Object> value) {
        return new Column<>(name, sqlType, value);
    }
}
