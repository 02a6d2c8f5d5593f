package dev.agentmeter.processor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** The bearer token every request of this test JVM carries, if set (the processors under test ask for it). */
    static volatile String token;

    private Http() {}

    record Reply(int status, String body) {
        JsonNode json() throws Exception {
            return ContractJson.mapper().readTree(body);
        }
    }

    static Reply get(int port, String pathAndQuery) throws Exception {
        return get(port, pathAndQuery, token);
    }

    /** A GET with {@code bearer} as its token (none if null). */
    static Reply get(int port, String pathAndQuery, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** What a poll is waiting for: whether the reply is the one, or an exception it propagates. */
    private interface Check {
        boolean done(Reply reply) throws Exception;
    }

    /** Gets {@code path} every {@code pause} until {@code check} holds (returns null) or 60 s passed (returns the last reply). */
    private static Reply poll(int port, String path, Duration pause, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Reply last = null;
        while (System.nanoTime() < deadline) {
            last = get(port, path);
            if (check.done(last)) {
                return null;
            }
            LockSupport.parkNanos(pause.toNanos());
        }
        return last;
    }

    /**
     * Polls a spend query until its {@code spendUsd} is exactly {@code expected} (each task writes its
     * windows on its own commit or flush interval), or fails after 60 s with the last answer.
     */
    static void awaitSpend(int port, String path, String expected) throws Exception {
        Reply last = poll(
                port,
                path,
                Duration.ofMillis(200),
                r -> r.status() == 200
                        && expected.equals(r.json().get("spendUsd").asText()));
        if (last != null) {
            throw new AssertionError(
                    "spend at " + path + " never reached " + expected + "; last answer " + last.body());
        }
    }

    /**
     * Polls {@code /metrics} until it has a line matching {@code pattern} (the Kafka Streams binder
     * picks up meters of newly created tasks every {@code ProcessorApp.METRICS_REFRESH}), or fails
     * after 60 s with the last scrape's Kafka Streams state lines.
     */
    static void awaitMetric(int port, String pattern) throws Exception {
        Pattern p = Pattern.compile(pattern);
        Reply last = poll(
                port,
                "/metrics",
                Duration.ofMillis(500),
                r -> p.matcher(r.body()).find());
        if (last != null) {
            throw new AssertionError("no /metrics line matches " + pattern + "; state lines: "
                    + last.body()
                            .lines()
                            .filter(l -> l.startsWith("kafka_stream_state"))
                            .toList());
        }
    }
}
