package dev.agentmeter.collector.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.Violation;
import java.io.IOException;
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

    private static final JsonFactory FACTORY = ContractJson.mapper().getFactory();
    /**
     * Fills what a sender may leave out: the eventId ({@code idBase:index}, the same on every retry
     * of the request) and the time of arrival.
     */
    private static UnaryOperator<UsageEvent> fill(String idBase, int index) {
        return e -> e == null || e.eventId() != null && e.timestamp() != null
                ? e : e.toBuilder().eventId(e.eventId() != null ? e.eventId() : idBase + ":" + index)
                        .timestamp(e.timestamp() != null ? e.timestamp() : Instant.now()).build();
    }

    private EventBatch() {
    }

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
     * @param idBase what the ids of events without one are made of (see {@code CollectorApp#idBase})
     */
    public static List<Item> parse(byte[] body, boolean ndjson, UsageEventParser parser, int maxEvents, String idBase) {
        List<byte[]> elements = ndjson ? lines(body, maxEvents) : elements(body, maxEvents);
        List<Item> items = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            UsageEventParser.Result r = parser.parse(elements.get(i), fill(idBase, i));
            items.add(r.valid() ? new Item(i, r.event(), List.of()) : new Item(i, null, r.violations()));
        }
        if (ndjson && !items.isEmpty() && items.stream().allMatch(it -> !it.valid()
                && it.violations().get(0).rule().equals("json"))) {
            throw new Refused(400, "no line of the body is JSON: send one UsageEvent JSON object per line");
        }
        return items;
    }

    private static List<byte[]> elements(byte[] body, int maxEvents) {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                p.skipChildren();
                requireEnd(p);
                return List.of(body);
            }
            if (first != JsonToken.START_ARRAY) {
                throw new Refused(400, "the body is not a JSON array of UsageEvents (nor one UsageEvent object)");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw new Refused(400, "the body is not JSON: the array is not closed");
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                if (out.size() == maxEvents) {
                    throw new Refused(413, "more than " + maxEvents + " events in one request; send them in batches");
                }
                out.add(Arrays.copyOfRange(body, start, end));
            }
            requireEnd(p);
        } catch (IOException e) {
            throw new Refused(400, "the body is not JSON: " + firstLine(e.getMessage()));
        }
        return out;
    }

    private static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new Refused(400, "the body is not JSON: more follows the first value (send NDJSON as"
                    + " application/x-ndjson)");
        }
    }

    private static List<byte[]> lines(byte[] body, int maxEvents) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(body, start, end)) {
                    if (out.size() == maxEvents) {
                        throw new Refused(413, "more than " + maxEvents + " events in one request; send them in batches");
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

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
