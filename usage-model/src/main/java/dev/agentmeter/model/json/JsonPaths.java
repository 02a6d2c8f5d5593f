package dev.agentmeter.model.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Where in a document a reader stopped, as the contract names fields: {@code usage.inputTokens}, {@code handoffChain[2]}. */
public final class JsonPaths {

    /** Deeper than this, the path is cut (a deeply nested document must not make a long header). */
    private static final int MAX_DEPTH = 8;

    private JsonPaths() {}

    /** The field the parser was at when it failed; empty when it is not known or at the top. */
    public static String at(StreamReadException e) {
        JsonParser p = e.getProcessor();
        return p == null ? "" : of(p.getParsingContext());
    }

    /**
     * Where reading {@code json} fails, found by reading it again token by token: for failures that
     * carry no parser (a document nested deeper than Jackson allows). Empty when it reads through.
     */
    public static String failureIn(byte[] json) {
        try (JsonParser p = ContractJson.mapper().getFactory().createParser(json)) {
            try {
                while (p.nextToken() != null) {
                    // read on until the failure
                }
            } catch (IOException e) {
                return of(p.getParsingContext());
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** The field a duplicate-field failure names, with its path. */
    public static String duplicate(StreamReadException e) {
        String message = e.getOriginalMessage();
        int open = message == null ? -1 : message.indexOf('\'');
        int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
        String parent = at(e);
        if (close < 0) {
            return parent;
        }
        String name = message.substring(open + 1, close);
        if (parent.equals(name) || parent.endsWith("." + name)) {
            return parent; // the context already points at it
        }
        return parent.isEmpty() ? name : parent + "." + name;
    }

    public static String of(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        int depth = 0;
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            depth++;
            if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst(c.getCurrentName());
            } else if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (String part : parts) {
            if (i++ == MAX_DEPTH) {
                out.append(".…");
                break;
            }
            if (out.length() > 0 && !part.startsWith("[")) {
                out.append('.');
            }
            out.append(part.length() <= 60 ? part : part.substring(0, 60) + "…");
        }
        return depth == 0 ? "" : out.toString();
    }
}
