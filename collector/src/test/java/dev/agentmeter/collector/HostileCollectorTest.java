package dev.agentmeter.collector;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.hostile.HostileDocuments;
import dev.agentmeter.model.hostile.HostileOutcomes;
import dev.agentmeter.model.json.ContractJson;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector over HTTP under hostile input: each request holds hostile documents and a valid
 * event; every answer is 200 with a result per event (accepted, or rejected naming a field), the
 * valid event is accepted, no request is slowed or failed by another's content, and /health stays
 * UP. Kafka is away (nothing listens on its port), so accepted events are made durable in the
 * spool: the answer still means durable.
 */
class HostileCollectorTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path spool;

    private CollectorApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static String deadBootstrap() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void everyEventOfEveryRequestIsAcceptedOrRejectedNamingAFieldAndHealthStaysUp() throws Exception {
        app = new CollectorApp(CollectorConfig.of(Map.of(
                        CollectorConfig.BOOTSTRAP_SERVERS,
                        deadBootstrap(),
                        CollectorConfig.HTTP_PORT,
                        "0",
                        CollectorConfig.SPOOL_DIRECTORY,
                        spool.toString())))
                .start();
        long seed = HostileDocuments.seed();
        HostileDocuments documents = new HostileDocuments(seed);
        HostileOutcomes outcomes = new HostileOutcomes("collector (POST /v1/events)", seed);
        long slowest = 0;
        for (int request = 0; request < 150; request++) {
            List<HostileDocuments.Document> batch = documents.next(5);
            String valid = documents.validEvent().toString();
            StringBuilder body = new StringBuilder("[");
            for (HostileDocuments.Document d : batch) {
                body.append(d.json()).append(',');
            }
            body.append(valid).append(']');
            long start = System.nanoTime();
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/events"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);

            JsonNode json = ContractJson.mapper().readTree(answer.body());
            if (answer.statusCode() == 400) {
                // The body as a whole is not a JSON array (a hostile document broke the array itself): refused whole.
                assertThat(json.get("error").asText()).as(answer.body()).startsWith("the body is not JSON");
                batch.forEach(d -> outcomes.count(d, "request refused (400)"));
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            for (int i = 0; i < batch.size(); i++) {
                JsonNode r = json.at("/results/" + i);
                outcomes.count(batch.get(i), r.get("status").asText());
                if (r.get("status").asText().equals("rejected")) {
                    assertThat(r.get("field").asText())
                            .as("field named for %s", batch.get(i))
                            .isNotEmpty();
                } else {
                    assertThat(r.get("status").asText()).as("%s", batch.get(i)).isEqualTo("accepted");
                }
                if (batch.get(i).meantValid()) {
                    assertThat(r.get("status").asText()).isEqualTo("accepted");
                }
            }
            assertThat(json.at("/results/" + batch.size() + "/status").asText()).isEqualTo("accepted");
        }
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println(outcomes + "\n  slowest request " + slowest + " ms; /health " + health.body());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
