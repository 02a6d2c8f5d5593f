package dev.agentmeter.sink.write;

import dev.agentmeter.model.validation.FreeText;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Postgres text representations of column values, as COPY and {@code ?::type} casts read them.
 * Money stays exact: BigDecimal goes out as its plain decimal string.
 */
public final class PgText {

    /** A jsonb value, already serialised. */
    public record Json(String text) {}

    private PgText() {}

    /** The value as Postgres reads it from text, or null for SQL NULL. */
    public static String encode(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return clean(s);
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (value instanceof Instant i) {
            return i.toString();
        }
        if (value instanceof Json j) {
            return clean(j.text());
        }
        if (value instanceof List<?> list) {
            return arrayLiteral(list);
        }
        return value.toString();
    }

    /** Appends the value as one CSV field of {@code COPY ... (FORMAT csv)}: unquoted empty = NULL. */
    public static void appendCsv(StringBuilder out, Object value) {
        String text = encode(value);
        if (text == null) {
            return;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Instant) {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    /**
     * Postgres text and jsonb cannot hold U+0000, and UTF-8 cannot hold an unpaired surrogate: both
     * become U+FFFD, the rest of the string is kept (the processor already did this for every event
     * it priced; this guards records from elsewhere).
     */
    public static String clean(String s) {
        return FreeText.storable(s);
    }

    private static String arrayLiteral(List<?> list) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object element = list.get(i);
            if (element == null) {
                out.append("NULL");
                continue;
            }
            out.append('"');
            String text = clean(element.toString());
            for (int j = 0; j < text.length(); j++) {
                char c = text.charAt(j);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            out.append('"');
        }
        return out.append('}').toString();
    }
}
