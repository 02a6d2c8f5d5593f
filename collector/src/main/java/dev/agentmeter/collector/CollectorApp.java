package dev.agentmeter.collector;

import dev.agentmeter.client.UsageTracker;
import dev.agentmeter.collector.events.EventBatch;
import dev.agentmeter.collector.otlp.GenAiSpans;
import dev.agentmeter.collector.otlp.OtlpJson;
import dev.agentmeter.collector.otlp.OtlpProtobuf;
import dev.agentmeter.collector.otlp.OtlpSpan;
import dev.agentmeter.http.HttpServers;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.FreeText;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector: an HTTP service in front of the producer client for agents outside the JVM.
 *
 * <pre>
 * POST /v1/events    a JSON array (or one object) or NDJSON of UsageEvents; a result per event
 * POST /v1/traces    OTLP/HTTP, protobuf or JSON: GenAI inference spans become UsageEvents
 * GET  /health       200 UP while events are made durable (to Kafka or the spool); 503 DOWN with the reason
 *                    when the sender thread ended or nothing was confirmed for longer than flush.timeout
 * GET  /metrics      Prometheus: agentmeter_collector_* and the client's agentmeter_client_*
 * </pre>
 *
 * A 2xx answer means every accepted event is acknowledged by Kafka or fsynced in the spool; when
 * one is not, the answer is 503 (507 when the spool is full) and names it. Events sent without an
 * eventId get one derived from the request ({@code Idempotency-Key} header, else the body's
 * SHA-256, and the event's index), so that a retried request counts once.
 */
public final class CollectorApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CollectorApp.class);
    private static final Set<String> NDJSON =
            Set.of("application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines");
    private static final int MAX_PROBLEMS_REPORTED = 10;
    /** An Idempotency-Key, its colon and an index of up to 6 digits stay within an eventId's 128 characters. */
    static final int MAX_IDEMPOTENCY_KEY = 100;

    private final CollectorConfig config;
    private final PrometheusMeterRegistry registry;
    private final UsageTracker tracker;
    private final Ingest ingest;
    private final CollectorMetrics metrics;
    private final UsageEventParser parser;
    private final UsageEventValidator validator;
    private Javalin server;

    public CollectorApp(CollectorConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new CollectorMetrics(registry);
        this.validator = new UsageEventValidator(Clock.systemUTC(), config.maxFutureSkew());
        this.parser = new UsageEventParser(validator);
        this.tracker = UsageTracker.builder()
                .bootstrapServers(config.bootstrapServers())
                .topic(config.rawTopic())
                .spoolDirectory(config.spoolDirectory())
                .spoolMaxBytes(config.spoolMaxBytes())
                .maxFutureSkew(config.maxFutureSkew())
                .queueCapacity(config.queueCapacity())
                .generateSession(false) // many senders: an event without a session stays without one
                .meterRegistry(registry)
                // A request waits until its events are acknowledged or spooled: a send to a broker that went
                // away must give up (and spool) well within flush.timeout, not after the client's 30 s.
                .kafka("delivery.timeout.ms", 5000)
                .kafka("request.timeout.ms", 2000)
                .kafka(config.kafkaOverrides())
                .budgetStatusTopic(config.budgetStatusTopic())
                .build();
        this.ingest = new Ingest(tracker, config.flushTimeout());
    }

    public CollectorApp(CollectorConfig config) {
        this(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public CollectorApp start() {
        server = HttpServers.create("collector", config.httpAccess(), c -> {
                    c.http.maxRequestSize = config.maxRequestBytes();
                    c.routes.get("/health", this::health);
                    HttpServers.metrics(c, registry::scrape);
                    c.routes.post("/v1/events", this::events);
                    c.routes.post("/v1/traces", this::traces);
                    c.routes.get("/v1/budget", this::budget);
                })
                .start(config.httpPort());
        log.info(
                "Collector listening on {}:{} ({}), publishing to {} at {}",
                config.httpAccess().bindAddress(),
                server.port(),
                config.httpAccess(),
                config.rawTopic(),
                config.bootstrapServers());
        return this;
    }

    /**
     * {@code GET /v1/budget?scope=user:alice&scope=team:support}: what an agent in any language asks
     * before its next call, answered from the budget status the collector follows (no call to the
     * processor): {@code allows} (false once any scope is EXCEEDED in a current window) and each
     * scope's current statuses.
     */
    private void budget(Context ctx) {
        if (config.budgetStatusTopic() == null) {
            ctx.status(404).json(Map.of("error", "budget status is not followed here (topic.budget.status is empty)"));
            return;
        }
        List<String> scopes = ctx.queryParams("scope");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException(
                    "give at least one scope: /v1/budget?scope=user:alice&scope=team:support");
        }
        List<Object> statuses = new ArrayList<>();
        for (String scope : scopes) {
            Scope.parse(scope); // a malformed scope is a 400, not an empty answer
            for (Period p : Period.values()) {
                tracker.budget(scope, p).ifPresent(statuses::add);
            }
        }
        ctx.json(Map.of("allows", tracker.allows(scopes.toArray(String[]::new)), "statuses", statuses));
    }

    /**
     * UP while accepted events are made durable; DOWN, with the reason, when they cannot be: the
     * client's sender thread ended, or events have waited longer than {@code flush.timeout} with
     * nothing confirmed meanwhile (every request would answer 503).
     */
    private void health(Context ctx) {
        UsageTracker.Health h = tracker.health(config.flushTimeout());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", h.up() ? "UP" : "DOWN");
        if (!h.up()) {
            body.put("reason", h.reason());
        }
        body.put("spooling", tracker.isSpooling());
        body.put("unconfirmed", h.unconfirmed());
        ctx.status(h.up() ? 200 : 503).json(body);
    }

    /** The port it listens on (the configured one, or the one chosen for 0). */
    public int port() {
        return server.port();
    }

    public UsageTracker tracker() {
        return tracker;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        tracker.close();
    }

    private void events(Context ctx) {
        long start = System.nanoTime();
        int status = eventsAnswer(ctx);
        metrics.request("events", status, System.nanoTime() - start);
    }

    private int eventsAnswer(Context ctx) {
        String type = mediaType(ctx);
        if (!type.equals("application/json") && !NDJSON.contains(type)) {
            return error(
                    ctx,
                    415,
                    "Content-Type must be application/json (a JSON array of UsageEvents) or"
                            + " application/x-ndjson (one per line), not '" + ctx.contentType() + "'");
        }
        byte[] body;
        String idBase;
        try {
            body = body(ctx);
            idBase = idBase(ctx, body);
        } catch (EventBatch.Refused e) {
            return error(ctx, e.status(), e.getMessage());
        }
        List<EventBatch.Item> items;
        try {
            items = EventBatch.parse(body, NDJSON.contains(type), parser, config.maxEventsPerRequest(), idBase);
        } catch (EventBatch.Refused e) {
            return error(ctx, e.status(), e.getMessage());
        }
        List<EventBatch.Item> valid =
                items.stream().filter(EventBatch.Item::valid).toList();
        List<UsageEvent> accepted = valid.stream().map(EventBatch.Item::event).toList();
        int rejected = items.size() - accepted.size();
        Ingest.Result outcome = ingest.submit(accepted);
        if (outcome.outcome() == Ingest.Outcome.OVERLOADED) {
            ctx.header("Retry-After", "1");
            return error(
                    ctx,
                    503,
                    "the collector is busy: its queue cannot take " + accepted.size() + " more events now; retry");
        }
        Map<Integer, Ingest.NotDurable> notDurable = new HashMap<>();
        for (Ingest.NotDurable n : outcome.notDurable()) {
            notDurable.put(valid.get(n.position()).index(), n);
        }
        List<Map<String, Object>> results = new ArrayList<>(items.size());
        for (EventBatch.Item item : items) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", item.index());
            Ingest.NotDurable failed = notDurable.get(item.index());
            if (item.valid() && failed == null) {
                r.put("status", "accepted");
                r.put("eventId", item.event().eventId());
            } else if (item.valid()) {
                r.put("status", "not_durable");
                r.put("eventId", item.event().eventId());
                r.put("reason", failed.reason());
            } else {
                r.put("status", "rejected");
                r.put("field", item.violations().get(0).field());
                r.put(
                        "reason",
                        item.violations().stream().map(Violation::message).collect(Collectors.joining("; ")));
            }
            results.add(r);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        int durable = accepted.size() - notDurable.size();
        answer.put("accepted", durable);
        answer.put("rejected", rejected);
        if (!notDurable.isEmpty()) {
            answer.put("notDurable", notDurable.size());
        }
        answer.put("results", results);
        metrics.events("events", "accepted", durable);
        metrics.events("events", "rejected", rejected);
        metrics.events("events", "not_durable", notDurable.size());
        int status;
        if (outcome.outcome() == Ingest.Outcome.SPOOL_FULL) {
            status = 507;
            answer.put(
                    "error",
                    notDurable.size() + " event(s) could not be kept: Kafka is away and the collector's"
                            + " spool is full; retry later with the same eventIds");
        } else if (outcome.outcome() == Ingest.Outcome.NOT_DURABLE) {
            status = 503;
            ctx.header("Retry-After", "1");
            answer.put(
                    "error",
                    notDurable.size() + " event(s) were not confirmed durable; retry them with the same"
                            + " eventIds (they are counted once)");
        } else {
            status = accepted.isEmpty() && rejected > 0 ? 422 : 200;
        }
        ctx.status(status).json(answer);
        return status;
    }

    /**
     * What the ids of events sent without one are made of: the request's {@code Idempotency-Key}
     * (1–{@value #MAX_IDEMPOTENCY_KEY} visible ASCII characters), else the body's SHA-256; each
     * event's id is that, a colon and its index, the same on every retry of the request.
     */
    static String idBase(Context ctx, byte[] body) {
        String key = ctx.header("Idempotency-Key");
        if (key != null) {
            key = key.trim();
            if (key.isEmpty()
                    || key.length() > MAX_IDEMPOTENCY_KEY
                    || !key.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new EventBatch.Refused(
                        400, "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " visible ASCII characters");
            }
            return key;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private void traces(Context ctx) {
        long start = System.nanoTime();
        int status = tracesAnswer(ctx);
        metrics.request("traces", status, System.nanoTime() - start);
    }

    private int tracesAnswer(Context ctx) {
        String type = mediaType(ctx);
        boolean protobuf = type.equals(OtlpProtobuf.CONTENT_TYPE);
        if (!protobuf && !type.equals(OtlpJson.CONTENT_TYPE)) {
            return otlpError(
                    ctx,
                    false,
                    415,
                    "Content-Type must be application/x-protobuf or application/json" + " (OTLP/HTTP), not '"
                            + ctx.contentType() + "'");
        }
        List<OtlpSpan> spans;
        try {
            byte[] body = body(ctx);
            spans = protobuf ? OtlpProtobuf.decode(body) : OtlpJson.decode(body);
        } catch (EventBatch.Refused e) {
            return otlpError(ctx, protobuf, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return otlpError(ctx, protobuf, 400, e.getMessage());
        }
        if (spans.size() > config.maxEventsPerRequest()) {
            return otlpError(
                    ctx,
                    protobuf,
                    413,
                    spans.size() + " spans in one request; at most " + config.maxEventsPerRequest()
                            + " are accepted (lower the exporter's batch size)");
        }
        GenAiSpans.Result result = GenAiSpans.toEvents(spans);
        List<String> problems = new ArrayList<>(result.problems());
        List<UsageEvent> accepted = new ArrayList<>();
        for (UsageEvent e : result.events()) {
            UsageEvent cut = FreeText.cut(e).event();
            List<Violation> violations = validator.validate(cut);
            if (violations.isEmpty()) {
                accepted.add(cut);
            } else {
                problems.add("span " + e.eventId() + ": "
                        + violations.stream().map(Violation::message).collect(Collectors.joining("; ")));
            }
        }
        Ingest.Result outcome = ingest.submit(accepted);
        if (outcome.outcome() != Ingest.Outcome.DURABLE) {
            String why = switch (outcome.outcome()) {
                case OVERLOADED -> "the collector is busy";
                case SPOOL_FULL -> "Kafka is away and the collector's spool is full";
                default ->
                    outcome.notDurable().size() + " span(s) were not confirmed durable (first: "
                            + outcome.notDurable().get(0).eventId() + ": "
                            + outcome.notDurable().get(0).reason() + ")";
            };
            if (outcome.outcome() != Ingest.Outcome.SPOOL_FULL) {
                ctx.header("Retry-After", "1");
            }
            return otlpError(
                    ctx,
                    protobuf,
                    outcome.outcome() == Ingest.Outcome.SPOOL_FULL ? 507 : 503,
                    why + "; retry (spans are identified by trace and span id, a retry is never counted twice)");
        }
        metrics.events("traces", "accepted", accepted.size());
        metrics.events("traces", "rejected", problems.size());
        metrics.events("traces", "ignored", result.ignored());
        String message = problems.stream().limit(MAX_PROBLEMS_REPORTED).collect(Collectors.joining("; "))
                + (problems.size() > MAX_PROBLEMS_REPORTED
                        ? "; and " + (problems.size() - MAX_PROBLEMS_REPORTED) + " more"
                        : "");
        ctx.status(200)
                .result(
                        protobuf
                                ? OtlpProtobuf.response(problems.size(), message)
                                : OtlpJson.response(problems.size(), message));
        otlpContentType(ctx, protobuf);
        return 200;
    }

    private static int error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message));
        return status;
    }

    private static int otlpError(Context ctx, boolean protobuf, int status, String message) {
        ctx.status(status)
                .result(
                        protobuf
                                ? OtlpProtobuf.status(grpcCode(status), message)
                                : OtlpJson.status(grpcCode(status), message));
        otlpContentType(ctx, protobuf);
        return status;
    }

    /**
     * The request's own encoding, as OTLP/HTTP answers; protobuf without a charset (it is not text:
     * the charset the default JSON content type set is cleared first, or Jetty would append it).
     */
    private static void otlpContentType(Context ctx, boolean protobuf) {
        ctx.res().setCharacterEncoding(null);
        ctx.res().setContentType(protobuf ? OtlpProtobuf.CONTENT_TYPE : OtlpJson.CONTENT_TYPE);
    }

    /** The google.rpc.Code OTLP pairs with an HTTP status. */
    private static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415 -> 3; // INVALID_ARGUMENT
            case 401 -> 16; // UNAUTHENTICATED
            case 503, 507 -> 14; // UNAVAILABLE
            default -> 2; // UNKNOWN
        };
    }

    private static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The request body, gzip undone, at most {@code max.request.bytes}. */
    private byte[] body(Context ctx) {
        int max = config.maxRequestBytes();
        long declared = ctx.req().getContentLengthLong();
        String tooLarge = "the body is larger than " + max + " bytes (max.request.bytes); send smaller batches";
        if (declared > max) {
            throw new EventBatch.Refused(413, tooLarge);
        }
        boolean gzip = "gzip".equalsIgnoreCase(ctx.header("Content-Encoding"));
        try (InputStream raw = ctx.req().getInputStream();
                InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw new EventBatch.Refused(413, tooLarge);
            }
            return body;
        } catch (IOException e) {
            throw new EventBatch.Refused(
                    400, "the body cannot be read" + (gzip ? " as gzip" : "") + ": " + e.getMessage());
        }
    }
}
