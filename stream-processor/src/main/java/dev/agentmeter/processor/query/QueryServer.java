package dev.agentmeter.processor.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.aggregate.SpendStores;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP (JDK's built-in server: no extra dependency in the processor).
 * A spend query for a scope another instance owns is answered by that instance
 * ({@code queryMetadataForKey}); a top-N query asks every instance and merges.
 *
 * <pre>
 * GET /v1/spend/{scopeType}/{scopeId}?period=DAY[&amp;at=2026-11-22T10:00:00Z]
 * GET /v1/top/{scopeType}?period=DAY[&amp;limit=10][&amp;at=…]
 * GET /v1/prices/{model}
 * GET /health      200 when RUNNING, else 503
 * GET /metrics     Prometheus text format
 * </pre>
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    private static final String LOCAL = "local";

    private final KafkaStreams streams;
    private final SpendQueries queries;
    private final PrometheusMeterRegistry registry;
    private final HostInfo self;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public QueryServer(HostInfo self, KafkaStreams streams, SpendQueries queries, PrometheusMeterRegistry registry)
            throws IOException {
        this.self = self;
        this.streams = streams;
        this.queries = queries;
        this.registry = registry;
        this.server = HttpServer.create(new InetSocketAddress(self.port()), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "agentmeter-query");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> respond(ex, () -> health()));
        server.createContext("/metrics", this::metrics);
        server.createContext("/v1/spend/", ex -> respond(ex, () -> spend(ex)));
        server.createContext("/v1/top/", ex -> respond(ex, () -> top(ex)));
        server.createContext("/v1/prices/", ex -> respond(ex, () -> price(ex)));
    }

    public QueryServer start() {
        server.start();
        log.info("Query server listening on {}:{}", self.host(), self.port());
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Answer(int status, Object body) {
    }

    private interface Handler {
        Answer handle() throws Exception;
    }

    private Answer health() {
        KafkaStreams.State state = streams.state();
        return new Answer(state == KafkaStreams.State.RUNNING ? 200 : 503, Map.of("status", state.name()));
    }

    private Answer spend(HttpExchange ex) throws Exception {
        String[] parts = path(ex, "/v1/spend/").split("/", 2);
        if (parts.length != 2 || parts[1].isEmpty()) {
            return error(400, "use /v1/spend/{scopeType}/{scopeId}, e.g. /v1/spend/user/alice");
        }
        Scope scope = Scope.of(ScopeType.fromWire(parts[0]), parts[1]);
        Map<String, String> q = query(ex);
        Period period = period(q);
        if (period == Period.SESSION && scope.type() != ScopeType.SESSION) {
            return error(400, "period SESSION applies to scope type session only");
        }
        Instant at = q.containsKey("at") ? Instant.parse(q.get("at")) : Instant.now();
        if (!q.containsKey(LOCAL)) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(SpendStores.DEFAULT.spend(), scope.toString(),
                    new StringSerializer());
            if (owner != null && owner.activeHost() != null && !owner.activeHost().equals(self)
                    && owner.activeHost().port() > 0) {
                return forward(owner.activeHost(), ex);
            }
        }
        return new Answer(200, queries.spend(scope, period, at));
    }

    private Answer top(HttpExchange ex) throws Exception {
        ScopeType type = ScopeType.fromWire(path(ex, "/v1/top/"));
        Map<String, String> q = query(ex);
        Period period = period(q);
        if (period == Period.SESSION) {
            return error(400, "top lists use HOUR, DAY or MONTH");
        }
        int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 10;
        if (limit < 1 || limit > 1000) {
            return error(400, "limit must be 1-1000");
        }
        Instant at = q.containsKey("at") ? Instant.parse(q.get("at")) : Instant.now();
        List<SpendView> all = new ArrayList<>(queries.top(type, period, at, limit));
        if (!q.containsKey(LOCAL)) {
            for (StreamsMetadata other : streams.metadataForAllStreamsClients()) {
                if (!other.hostInfo().equals(self) && other.hostInfo().port() > 0) {
                    Answer remote = forward(other.hostInfo(), ex);
                    if (remote.status() == 200) {
                        SpendView[] views = ContractJson.mapper().readValue(((RawJson) remote.body()).json(), SpendView[].class);
                        all.addAll(List.of(views));
                    }
                }
            }
        }
        all.sort(Comparator.comparing(SpendView::spendUsd).reversed().thenComparing(SpendView::scope));
        return new Answer(200, all.size() > limit ? all.subList(0, limit) : all);
    }

    private Answer price(HttpExchange ex) {
        String model = path(ex, "/v1/prices/");
        var found = queries.price(model);
        if (found.isEmpty()) {
            return error(404, "no catalog price for model '" + model + "'; events for it are priced at the default price");
        }
        ModelPrice m = found.get();
        Instant now = Instant.now();
        EffectivePrice current = m.priceAt(now).orElse(m.prices().isEmpty() ? null : m.prices().get(0));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("modelKey", m.modelKey());
        body.put("company", m.company());
        body.put("at", now);
        body.put("price", current);
        return new Answer(200, body);
    }

    private void metrics(HttpExchange ex) throws IOException {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Asks another instance the same question, marked local so it does not forward again. */
    private Answer forward(HostInfo host, HttpExchange ex) throws IOException, InterruptedException {
        String raw = ex.getRequestURI().getRawQuery();
        String query = (raw == null || raw.isEmpty() ? "" : raw + "&") + LOCAL + "=true";
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + ex.getRequestURI().getRawPath() + "?" + query);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), new RawJson(r.body()));
    }

    /** A body that is already JSON (from another instance). */
    private record RawJson(String json) {
        @Override
        public String toString() {
            return json;
        }
    }

    private static Answer error(int status, String message) {
        return new Answer(status, Map.of("error", message));
    }

    private void respond(HttpExchange ex, Handler handler) throws IOException {
        Answer answer;
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                answer = error(405, "only GET is supported");
            } else {
                answer = handler.handle();
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            answer = error(400, e.getMessage());
        } catch (Exception e) {
            log.warn("query {} failed", ex.getRequestURI(), e);
            answer = error(503, "cannot answer now: " + e.getMessage());
        }
        byte[] body = answer.body() instanceof RawJson rj
                ? rj.json().getBytes(StandardCharsets.UTF_8)
                : ContractJson.toBytes(answer.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = ex.getResponseBody(); InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            out.write(body);
        }
    }

    private static String path(HttpExchange ex, String prefix) {
        String p = ex.getRequestURI().getRawPath().substring(prefix.length());
        return URLDecoder.decode(p, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            }
        }
        return q;
    }

    private static Period period(Map<String, String> q) {
        String p = q.getOrDefault("period", "DAY").toUpperCase(Locale.ROOT);
        try {
            return Period.valueOf(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("period '" + q.get("period") + "' is not one of HOUR, DAY, MONTH, SESSION");
        }
    }
}
