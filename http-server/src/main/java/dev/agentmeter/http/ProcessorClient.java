package dev.agentmeter.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.SpendView;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The stream processor's query API as its clients call it (the CLI's {@code spend}, {@code up}'s
 * summary, the dashboard's live spend): one request shape, one bearer-token rule, one set of
 * errors a person can act on. Any processor instance answers for every scope: it forwards to the
 * owner.
 */
public final class ProcessorClient {

    /** One client for all: each holds a selector thread and a connection pool. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final String tokenHint;

    /**
     * @param base      the processor's address, {@code http(s)://host:port}
     * @param token     the bearer token, or null
     * @param tokenHint what the person should set when the processor asks for a token (a 401),
     *                  in the words of the part that calls ({@code set AGENTMETER_TOKEN}, …)
     */
    public ProcessorClient(String base, String token, String tokenHint) {
        this.base = base;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.tokenHint = tokenHint;
    }

    public String base() {
        return base;
    }

    /**
     * The body of {@code base + path} when the processor answers 200.
     *
     * @throws IOException naming the processor, when it cannot be reached, asks for a token or
     *                     answers anything else
     */
    public String get(String path, Duration timeout) throws IOException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach the processor at " + base + " (is the pipeline up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the processor at " + base, e);
        }
        if (answer.statusCode() == 401) {
            throw new IOException("the processor at " + base + " asks for a token: " + tokenHint
                    + (token == null ? "" : "; the one given was refused"));
        }
        if (answer.statusCode() != 200) {
            throw new IOException(
                    "the processor at " + base + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** {@link #get} read as JSON. */
    public JsonNode json(String path, Duration timeout) throws IOException {
        return ContractJson.mapper().readTree(get(path, timeout));
    }

    /** The scope's spend in the current {@code period} window. */
    public SpendView spend(Scope scope, Period period, Duration timeout) throws IOException {
        return ContractJson.mapper().readValue(get(spendPath(scope, period), timeout), SpendView.class);
    }

    /** {@code /v1/spend/<type>/<id>?period=<period>}, the id percent-encoded. */
    public static String spendPath(Scope scope, Period period) {
        return "/v1/spend/" + scope.type().wireName() + "/"
                + URLEncoder.encode(scope.id(), StandardCharsets.UTF_8).replace("+", "%20") + "?period=" + period;
    }
}
