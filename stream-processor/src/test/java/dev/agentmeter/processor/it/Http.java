package dev.agentmeter.processor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {
    }

    record Reply(int status, String body) {
        JsonNode json() throws Exception {
            return ContractJson.mapper().readTree(body);
        }
    }

    static Reply get(int port, String pathAndQuery) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
