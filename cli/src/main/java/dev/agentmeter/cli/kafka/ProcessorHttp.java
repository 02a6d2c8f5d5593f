package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.http.ProcessorClient;
import java.io.IOException;
import java.time.Duration;

/** The CLI's calls to the stream processor's query API ({@link ProcessorClient}), failing as a command fails. */
public final class ProcessorHttp {

    private static final String TOKEN_HINT = "set AGENTMETER_TOKEN (or --token) to its http.auth.token";

    private ProcessorHttp() {}

    /** The JSON answer of {@code base + path}; fails with the status and body on anything but 200. */
    public static JsonNode get(Endpoints endpoints, String path, Duration timeout) {
        return get(endpoints.processor, endpoints.token, path, timeout);
    }

    /** As above, with the bearer {@code token} when not null. */
    public static JsonNode get(String base, String token, String path, Duration timeout) {
        try {
            return new ProcessorClient(base, token, TOKEN_HINT).json(path, timeout);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
