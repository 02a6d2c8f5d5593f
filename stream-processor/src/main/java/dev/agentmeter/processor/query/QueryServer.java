package dev.agentmeter.processor.query;

import dev.agentmeter.http.HttpAccess;
import dev.agentmeter.http.HttpServers;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.SpendView;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.processor.aggregate.SpendStores;
import dev.agentmeter.processor.health.StreamsHealth;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP. A spend query for a scope another instance owns is answered by
 * that instance ({@code queryMetadataForKey}); a top-N query asks every instance and merges.
 * Forwarded requests carry the peer token ({@code http.peer.token.file}), else this instance's
 * first bearer token.
 *
 * <pre>
 * GET /v1/spend/{scopeType}/{scopeId}?period=DAY[&amp;at=2026-11-22T10:00:00Z]
 * GET /v1/top/{scopeType}?period=DAY[&amp;limit=10][&amp;at=…]
 * GET /v1/prices/{model}
 * GET /health      200 when RUNNING and making progress, else 503 with the reason (FAILING, STALLED, or the state)
 * GET /health?probe=live   503 only when the instance cannot recover by itself (FAILING, STALLED, ERROR,
 *                  NOT_RUNNING): what a liveness probe restarts it on; restoring or rebalancing is alive
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
    private final HttpAccess access;
    private final StreamsHealth health;
    private final HttpClient http;
    private final String forwardingToken;
    private Javalin server;

    /** @param forwardingToken what forwarded queries carry (the peer token, else the first of {@code access}) */
    public QueryServer(
            HostInfo self,
            KafkaStreams streams,
            SpendQueries queries,
            PrometheusMeterRegistry registry,
            HttpAccess access,
            String forwardingToken,
            StreamsHealth health) {
        this.forwardingToken = forwardingToken;
        // Over TLS, peers are asked over TLS too: trusting this instance's own chain (the peers' certificates
        // come from the same CA) and presenting its certificate when they ask for client certificates.
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (access.tls() != null) {
            client.sslContext(access.tls().peerClientContext());
        }
        this.http = client.build();
        this.self = self;
        this.health = health;
        this.streams = streams;
        this.queries = queries;
        this.registry = registry;
        this.access = access;
    }

    public QueryServer start() {
        server = HttpServers.create("query server", access, config -> {
                    config.http.prefer405over404 = true;
                    config.routes.get("/health", this::health);
                    HttpServers.metrics(config, registry::scrape);
                    config.routes.get("/v1/spend/{scopeType}/<scopeId>", this::spend);
                    config.routes.get("/v1/top/{scopeType}", this::top);
                    config.routes.get("/v1/prices/<model>", this::price);
                })
                .start(self.port());
        log.info("Query server listening on {}:{} ({})", access.bindAddress(), self.port(), access);
        return this;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }

    private void health(Context ctx) {
        StreamsHealth.Verdict v = health.check();
        boolean live = "live".equals(ctx.queryParam("probe"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", v.status());
        body.put("state", v.state());
        if (v.reason() != null) {
            body.put("reason", v.reason());
        }
        ctx.status((live ? v.alive() : v.healthy()) ? 200 : 503).json(body);
    }

    private void spend(Context ctx) throws IOException, InterruptedException {
        Scope scope = Scope.of(ScopeType.fromWire(ctx.pathParam("scopeType")), ctx.pathParam("scopeId"));
        Period period = period(ctx);
        if (period == Period.SESSION && scope.type() != ScopeType.SESSION) {
            throw new IllegalArgumentException("period SESSION applies to scope type session only");
        }
        Instant at = at(ctx);
        if (ctx.queryParam(LOCAL) == null) {
            KeyQueryMetadata owner =
                    streams.queryMetadataForKey(SpendStores.DEFAULT.spend(), scope.toString(), new StringSerializer());
            if (owner != null
                    && owner.activeHost() != null
                    && !owner.activeHost().equals(self)
                    && owner.activeHost().port() > 0) {
                relay(ctx, forward(owner.activeHost(), ctx));
                return;
            }
        }
        ctx.json(queries.spend(scope, period, at));
    }

    private void top(Context ctx) throws IOException, InterruptedException {
        ScopeType type = ScopeType.fromWire(ctx.pathParam("scopeType"));
        Period period = period(ctx);
        if (period == Period.SESSION) {
            throw new IllegalArgumentException("top lists use HOUR, DAY or MONTH");
        }
        int limit = ctx.queryParamAsClass("limit", Integer.class).getOrDefault(10);
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1-1000");
        }
        List<SpendView> all = new ArrayList<>(queries.top(type, period, at(ctx), limit));
        if (ctx.queryParam(LOCAL) == null) {
            for (StreamsMetadata other : streams.metadataForAllStreamsClients()) {
                if (!other.hostInfo().equals(self) && other.hostInfo().port() > 0) {
                    HttpResponse<String> remote = forward(other.hostInfo(), ctx);
                    if (remote.statusCode() == 200) {
                        all.addAll(List.of(ContractJson.mapper().readValue(remote.body(), SpendView[].class)));
                    } else {
                        log.warn("top query: {} answered {}: {}", other.hostInfo(), remote.statusCode(), remote.body());
                    }
                }
            }
        }
        all.sort(Comparator.comparing(SpendView::spendUsd).reversed().thenComparing(SpendView::scope));
        ctx.json(all.size() > limit ? all.subList(0, limit) : all);
    }

    private void price(Context ctx) {
        String model = ctx.pathParam("model");
        var found = queries.price(model);
        if (found.isEmpty()) {
            ctx.status(404)
                    .json(Map.of(
                            "error",
                            "no catalog price for model '" + model
                                    + "'; events for it are priced at the default price"));
            return;
        }
        ModelPrice m = found.get();
        Instant now = Instant.now();
        EffectivePrice current =
                m.priceAt(now).orElse(m.prices().isEmpty() ? null : m.prices().get(0));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("modelKey", m.modelKey());
        body.put("company", m.company());
        body.put("at", now);
        body.put("price", current);
        ctx.json(body);
    }

    /** Asks another instance the same question, marked local so that it does not forward again. */
    private HttpResponse<String> forward(HostInfo host, Context ctx) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        ctx.queryParamMap()
                .forEach((k, values) -> values.forEach(
                        v -> query.append(enc(k)).append('=').append(enc(v)).append('&')));
        query.append(LOCAL).append("=true");
        URI uri = URI.create(access.scheme() + "://" + host.host() + ":" + host.port() + rawPath(ctx) + "?" + query);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (access.tokenRequired() && forwardingToken != null) {
            request.header("Authorization", "Bearer " + forwardingToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void relay(Context ctx, HttpResponse<String> answer) {
        ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
    }

    /** The path as it arrived (still percent-encoded), so that ids with '/' or '%' reach the other side intact. */
    private static String rawPath(Context ctx) {
        return ctx.req().getRequestURI();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Instant at(Context ctx) {
        String at = ctx.queryParam("at");
        return at == null ? Instant.now() : Instant.parse(at);
    }

    private static Period period(Context ctx) {
        String p = ctx.queryParam("period");
        try {
            return Period.valueOf(p == null ? "DAY" : p.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("period '" + p + "' is not one of HOUR, DAY, MONTH, SESSION");
        }
    }
}
