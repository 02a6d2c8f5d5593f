package dev.agentmeter.pricing.sources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.Money;
import java.math.BigDecimal;

/**
 * Prices as the sources write them, as exact decimals. The documents are read with
 * {@code USE_BIG_DECIMAL_FOR_FLOATS}, so a float is the decimal its literal spells: the shortest
 * representation the writer chose ({@code 3e-06} is 3E-6, never 3.0000000000000001E-6).
 */
final class Numbers {

    private Numbers() {}

    /** The price at {@code field} of {@code node}, or null when absent; a negative or non-numeric price is refused. */
    static BigDecimal price(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        BigDecimal d;
        if (v.isNumber()) {
            d = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                d = new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "." + field + " is not a number: '" + v.asText() + "'");
            }
        } else {
            throw new IllegalArgumentException(where + "." + field + " is not a number: " + v.getNodeType());
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException(where + "." + field + " is negative: " + d.toPlainString());
        }
        if (d.precision() - d.scale() > 12 || d.scale() > 30) {
            throw new IllegalArgumentException(where + "." + field + " is out of range: " + v.asText());
        }
        return Money.normalise(d);
    }
}
