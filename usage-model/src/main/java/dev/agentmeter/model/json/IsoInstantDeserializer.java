package dev.agentmeter.model.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the contract's instant shape ({@code 2026-11-22T10:15:30.123Z}: UTC, {@code Z}, 0–9
 * fraction digits) directly from the parser's characters, and leaves every other input to
 * Jackson's own {@link InstantDeserializer}, so what is accepted and how errors read do not
 * change. Parsing with {@code DateTimeFormatter} was a third of reading a UsageEvent, and every
 * event carries a timestamp.
 */
final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {

    private static final JsonDeserializer<Instant> FALLBACK = InstantDeserializer.INSTANT;

    IsoInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            Instant fast = parseCanonical(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (fast != null) {
                return fast;
            }
            return FALLBACK.deserialize(p, ctxt);
        }
        // The contract's instants are ISO-8601 strings: Jackson's own reader would take a number as epoch seconds.
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
    }

    /** The instant, or null when the text is not exactly {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields. */
    static Instant parseCanonical(char[] c, int off, int len) {
        if (len < 20
                || len > 30
                || len == 21
                || c[off + len - 1] != 'Z'
                || c[off + 4] != '-'
                || c[off + 7] != '-'
                || c[off + 10] != 'T'
                || c[off + 13] != ':'
                || c[off + 16] != ':') {
            return null;
        }
        int year = digits(c, off, 4);
        int month = digits(c, off + 5, 2);
        int day = digits(c, off + 8, 2);
        int hour = digits(c, off + 11, 2);
        int minute = digits(c, off + 14, 2);
        int second = digits(c, off + 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null; // not digits, or out of range (a leap second "60" included): the full parser decides
        }
        int nanos = 0;
        if (len > 20) {
            if (c[off + 19] != '.') {
                return null;
            }
            int fraction = len - 21;
            nanos = digits(c, off + 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        } else if (len != 20) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // 2026-02-30 and the like
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The non-negative number in {@code c[from, from + count)}, or -1 if a character is not a digit. */
    private static int digits(char[] c, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int d = c[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
