package dev.agentmeter.processor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

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

    /**
     * Polls a spend query until its {@code spendUsd} is exactly {@code expected} (each task writes its
     * windows on its own commit or flush interval), or fails after 60 s with the last answer.
     */
    static void awaitSpend(int port, String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            Reply r = get(port, path);
            last = r.body();
            if (r.status() == 200 && expected.equals(r.json().get("spendUsd").asText())) {
                return;
            }
            LockSupport.parkNanos(200_000_000);
        }
        throw new AssertionError("spend at " + path + " never reached " + expected + "; last answer " + last);
    }

    /**
     * Polls {@code /metrics} until it has a line matching {@code pattern} (the Kafka Streams binder
     * picks up meters of newly created tasks every {@code ProcessorApp.METRICS_REFRESH}), or fails
     * after 60 s with the last scrape's Kafka Streams state lines.
     */
    static void awaitMetric(int port, String pattern) throws Exception {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(port, "/metrics").body();
            if (p.matcher(last).find()) {
                return;
            }
            LockSupport.parkNanos(500_000_000);
        }
        throw new AssertionError("no /metrics line matches " + pattern + "; state lines: " + last.lines()
                .filter(l -> l.startsWith("kafka_stream_state")).toList());
    }
}
