package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs against the stream processor's query API, with errors a person can act on. */
public final class ProcessorHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ProcessorHttp() {
    }

    /** The JSON answer of {@code base + path}; fails with the status and body on anything but 200. */
    public static JsonNode get(Endpoints endpoints, String path, Duration timeout) {
        return get(endpoints.processor, endpoints.token, path, timeout);
    }

    /** As above, with the bearer {@code token} when not null. */
    public static JsonNode get(String base, String token, String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
        if (token != null && !token.isBlank()) {
            builder.header("Authorization", "Bearer " + token.trim());
        }
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new IllegalStateException("the processor at " + base + " asks for a token: set AGENTMETER_TOKEN"
                        + " (or --token) to its http.auth.token" + (token == null ? "" : "; the one given was refused"));
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("processor at " + base + " answered " + response.statusCode() + ": " + response.body());
            }
            return ContractJson.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the processor at " + base + " (is the pipeline up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
