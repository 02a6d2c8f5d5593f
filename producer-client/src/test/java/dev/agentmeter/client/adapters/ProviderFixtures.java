package dev.agentmeter.client.adapters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The documented provider payloads in {@code provider-fixtures/} (see its README). */
public final class ProviderFixtures {

    private ProviderFixtures() {}

    /** A whole response body. */
    public static String body(String name) {
        return read(name + ".json");
    }

    /** A stream, one event per line, in the order the provider sends them. */
    public static List<String> stream(String name) {
        return read(name + ".jsonl").lines().filter(l -> !l.isBlank()).toList();
    }

    private static String read(String file) {
        try (InputStream in = ProviderFixtures.class.getResourceAsStream("/provider-fixtures/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture provider-fixtures/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
