package dev.agentmeter.model.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.agentmeter.model.validation.Bounds;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Money and other decimals as the contract allows them: a decimal string ({@code "0.0105"}) or a
 * JSON number, read exactly. A string longer than {@value Bounds#MAX_MONEY_CHARS} characters is
 * refused before it is parsed (a JSON number already has that limit), so that a sender cannot make
 * the reader parse megabytes of digits; whether the value is within the contract's bounds is the
 * validators' job ({@link Bounds#money}).
 */
final class DecimalDeserializer extends StdScalarDeserializer<BigDecimal> {

    DecimalDeserializer() {
        super(BigDecimal.class);
    }

    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDecimalValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String text = p.getText().trim();
            if (text.length() > Bounds.MAX_MONEY_CHARS) {
                throw ctxt.weirdStringException(
                        text.substring(0, 40) + "…",
                        BigDecimal.class,
                        "more than " + Bounds.MAX_MONEY_CHARS + " characters");
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw ctxt.weirdStringException(text, BigDecimal.class, "not a decimal number");
            }
        }
        return (BigDecimal) ctxt.handleUnexpectedToken(BigDecimal.class, p);
    }
}
