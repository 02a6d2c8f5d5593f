package dev.agentmeter.collector.events;

import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A {@code POST /v1/events} body, split into its events without reading them twice: a JSON array
 * (or one object) is cut at each element's byte offsets, NDJSON at its line breaks. Each event is
 * then read, filled where its sender left {@code eventId} or {@code timestamp} out, cut and checked
 * on its own, so one bad event never costs the others.
 */
public final class EventBatch {

    /**
     * Fills what a sender may leave out: the eventId ({@code idBase:index}, the same on every retry
     * of the request) and the time of arrival.
     */
    private static UnaryOperator<UsageEvent> fill(String idBase, int index) {
        return e -> e == null || (e.eventId() != null && e.timestamp() != null)
                ? e
                : e.toBuilder()
                        .eventId(e.eventId() != null ? e.eventId() : idBase + ":" + index)
                        .timestamp(e.timestamp() != null ? e.timestamp() : Instant.now())
                        .build();
    }

    private EventBatch() {}

    /** The body cannot be read as events at all (400), or holds more than allowed (413). */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** One event of the body: exactly one of {@code event} (valid, filled, cut) and {@code violations}. */
    public record Item(int index, UsageEvent event, List<Violation> violations) {
        public boolean valid() {
            return event != null;
        }
    }

    /**
     * The events of one request body (a JSON array or NDJSON), each read, filled, cut and checked.
     *
     * @param idBase what the ids of events without one are made of (see {@code CollectorApp#idBase})
     */
    public static List<Item> parse(byte[] body, boolean ndjson, UsageEventParser parser, int maxEvents, String idBase) {
        List<byte[]> elements = ndjson ? lines(body, maxEvents) : elements(body, maxEvents);
        List<Item> items = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            UsageEventParser.Result r = parser.parse(elements.get(i), fill(idBase, i));
            items.add(r.valid() ? new Item(i, r.event(), List.of()) : new Item(i, null, r.violations()));
        }
        if (ndjson
                && !items.isEmpty()
                && items.stream()
                        .allMatch(it ->
                                !it.valid() && it.violations().get(0).rule().equals("json"))) {
            throw new Refused(400, "no line of the body is JSON: send one UsageEvent JSON object per line");
        }
        return items;
    }

    /**
     * The elements of a JSON array (or the one object), cut at their byte offsets by a scan that
     * only follows brackets and strings: an element nested deeper than the JSON reader allows, or
     * broken inside, is still one element, rejected on its own when it is read, never the whole
     * request. Only a body whose elements cannot be told apart is refused as a whole.
     */
    private static List<byte[]> elements(byte[] body, int maxEvents) {
        int i = skipWhitespace(body, 0);
        if (i < body.length && body[i] == '{') {
            int end = valueEnd(body, i);
            if (skipWhitespace(body, end) != body.length) {
                throw new Refused(
                        400,
                        "the body is not JSON: more follows the first value (send NDJSON as"
                                + " application/x-ndjson)");
            }
            return List.of(body);
        }
        if (i >= body.length || body[i] != '[') {
            throw new Refused(
                    400, "the body is not JSON: expected a JSON array of UsageEvents (or one UsageEvent object)");
        }
        List<byte[]> out = new ArrayList<>();
        i = skipWhitespace(body, i + 1);
        if (i < body.length && body[i] == ']') {
            return requireEnd(body, i + 1, out);
        }
        while (true) {
            int end = valueEnd(body, i);
            if (out.size() == maxEvents) {
                throw new Refused(413, "more than " + maxEvents + " events in one request; send them in batches");
            }
            out.add(Arrays.copyOfRange(body, i, end));
            i = skipWhitespace(body, end);
            if (i >= body.length) {
                throw new Refused(400, "the body is not JSON: the array is not closed");
            }
            if (body[i] == ']') {
                return requireEnd(body, i + 1, out);
            }
            if (body[i] != ',') {
                throw new Refused(
                        400,
                        "the body is not JSON: expected ',' or ']' after element " + (out.size() - 1) + " at byte "
                                + i);
            }
            i = skipWhitespace(body, i + 1);
        }
    }

    private static List<byte[]> requireEnd(byte[] body, int from, List<byte[]> out) {
        if (skipWhitespace(body, from) != body.length) {
            throw new Refused(
                    400, "the body is not JSON: more follows the array (send NDJSON as application/x-ndjson)");
        }
        return out;
    }

    /** Where the value starting at {@code from} ends: brackets counted outside strings, scalars up to a delimiter. */
    private static int valueEnd(byte[] b, int from) {
        if (from >= b.length) {
            throw new Refused(400, "the body is not JSON: a value is missing at byte " + from);
        }
        byte first = b[from];
        if (first == '"') {
            return stringEnd(b, from);
        }
        if (first != '{' && first != '[') {
            int i = from;
            while (i < b.length && b[i] != ',' && b[i] != ']' && b[i] != '}' && !isWhitespace(b[i])) {
                i++;
            }
            return i;
        }
        long depth = 0;
        int i = from;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                i = stringEnd(b, i);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        throw new Refused(400, "the body is not JSON: an element starting at byte " + from + " is not closed");
    }

    private static int stringEnd(byte[] b, int quote) {
        for (int i = quote + 1; i < b.length; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i + 1;
            }
        }
        throw new Refused(400, "the body is not JSON: a string starting at byte " + quote + " is not closed");
    }

    private static int skipWhitespace(byte[] b, int from) {
        int i = from;
        while (i < b.length && isWhitespace(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static List<byte[]> lines(byte[] body, int maxEvents) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(body, start, end)) {
                    if (out.size() == maxEvents) {
                        throw new Refused(
                                413, "more than " + maxEvents + " events in one request; send them in batches");
                    }
                    out.add(Arrays.copyOfRange(body, start, end));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
