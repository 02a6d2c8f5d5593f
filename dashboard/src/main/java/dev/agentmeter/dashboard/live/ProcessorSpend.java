package dev.agentmeter.dashboard.live;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.SpendView;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The stream processor's query API, for spend as the processor holds it now (ahead of Postgres by
 * the sink's lag). Any instance answers for every scope: it forwards to the owner.
 */
public final class ProcessorSpend {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;

    public ProcessorSpend(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    /**
     * The scope's spend in the current {@code period} window.
     *
     * @throws IOException when the processor cannot be reached or does not answer 200 (the message says which)
     */
    public SpendView spend(Scope scope, Period period) throws IOException {
        String path = "/v1/spend/" + scope.type().wireName() + "/" + URLEncoder.encode(scope.id(), StandardCharsets.UTF_8)
                .replace("+", "%20") + "?period=" + period;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(3)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("the processor at " + base + " answered " + answer.statusCode()
                        + (answer.statusCode() == 401 ? " (set processor.auth.token)" : ": " + answer.body()));
            }
            return ContractJson.mapper().readValue(answer.body(), SpendView.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
