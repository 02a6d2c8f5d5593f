package dev.agentmeter.http;

import dev.agentmeter.model.json.ContractJson;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Javalin server of an agentmeter part the same way everywhere: the contract's JSON
 * (money as decimal strings), the part's {@link HttpAccess} (bind address and bearer token), and
 * errors as JSON a person can act on: 400 for bad parameters, 404 for unknown paths, 500 logged.
 */
public final class HttpServers {

    private static final Logger log = LoggerFactory.getLogger(HttpServers.class);

    /** Prometheus' text exposition format, version 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private HttpServers() {}

    /** {@code GET /metrics}: what {@code scrape} returns (a registry's scrape), in Prometheus' text format. */
    public static void metrics(JavalinConfig config, Supplier<String> scrape) {
        config.routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(scrape.get()));
    }

    /**
     * A server not yet started; {@code routes} adds the part's own endpoints. Start it with
     * {@code start(port)} (0: any free port, then {@code port()} tells which).
     */
    public static Javalin create(String name, HttpAccess access, Consumer<JavalinConfig> routes) {
        return create(name, new BearerAuth(access), routes);
    }

    /**
     * Refuses, with 421 Misdirected Request, a request addressed to a host this part does not
     * answer to: on a part bound to loopback, any name but localhost, 127.x.x.x and [::1] (a web page
     * the user visits cannot reach it through a DNS name it rebinds to 127.0.0.1: the Host header
     * then names the attacker's domain); with {@code allowed.hosts} set, any name not listed.
     */
    static void allowedHost(HttpAccess access, Context ctx) {
        boolean loopback = isLoopback(access.bindAddress());
        if (!loopback && access.allowedHosts().isEmpty()) {
            return;
        }
        String host = ctx.header("Host");
        String name = host == null ? "" : hostName(host);
        if ((loopback && host != null && isLoopbackHost(host))
                || (name != null && access.allowedHosts().contains(name))) {
            return;
        }
        ctx.status(421)
                .json(Map.of(
                        "error",
                        "Host '" + (host == null ? "" : host) + "' is not a name this part answers to: "
                                + (access.allowedHosts().isEmpty()
                                        ? "a part bound to loopback answers localhost, 127.0.0.1 and [::1] only"
                                        : "allowed are " + new TreeSet<>(access.allowedHosts())
                                                + (loopback ? " and the loopback names" : ""))));
        ctx.skipRemainingHandlers();
    }

    /** The name of a Host header (lower case, without the port), or null when it is not a plain host[:port]. */
    static String hostName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && (end == h.length() - 1 || h.substring(end + 1).matches(":\\d{1,5}"))
                    ? h.substring(0, end + 1)
                    : null;
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && !h.substring(colon + 1).matches("\\d{1,5}")) {
            return null;
        }
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.matches("[a-z0-9.-]+") ? name : null;
    }

    static boolean isLoopback(String bindAddress) {
        return bindAddress.equals("127.0.0.1")
                || bindAddress.equals("localhost")
                || bindAddress.equals("::1")
                || bindAddress.equals("[::1]")
                || bindAddress.startsWith("127.");
    }

    /** {@code localhost}, {@code 127.x.x.x} or {@code [::1]}, with or without a port. */
    static boolean isLoopbackHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1") && (end == h.length() - 1 || h.charAt(end + 1) == ':');
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        if (colon >= 0 && !h.substring(colon + 1).matches("\\d{1,5}")) {
            return false;
        }
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** As above, with a part's own check in front of every request (the dashboard's shows a login page). */
    public static Javalin create(String name, BearerAuth auth, Consumer<JavalinConfig> routes) {
        HttpAccess access = auth.access();
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(ContractJson.mapper(), false));
            config.jetty.host = access.bindAddress();
            // Jetty caches header fields per connection and, by default, matches a cached field's value
            // ignoring case: on a reused connection "Authorization: Bearer S3CRET" came back as the
            // earlier "Bearer s3cret", so a token differing only in case was accepted.
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            if (access.tls() != null) {
                // HTTPS only: with a connector of its own, Javalin adds no plain one.
                config.jetty.addConnector((server, http) -> {
                    HttpConfiguration https = new HttpConfiguration(http);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    secure.setSniHostCheck(false); // the Host allowlist decides which names are answered
                    https.addCustomizer(secure);
                    ServerConnector connector = new ServerConnector(
                            server,
                            new SslConnectionFactory(access.tls().serverFactory(), "http/1.1"),
                            new HttpConnectionFactory(https));
                    connector.setHost(access.bindAddress());
                    connector.setPort(config.jetty.port);
                    return connector;
                });
            }
            config.http.defaultContentType = "application/json";
            config.routes.before(ctx -> allowedHost(access, ctx));
            config.routes.before(auth);
            config.routes.exception(
                    IllegalArgumentException.class,
                    (e, ctx) -> ctx.status(400).json(Map.of("error", String.valueOf(e.getMessage()))));
            config.routes.exception(
                    DateTimeParseException.class,
                    (e, ctx) ->
                            ctx.status(400).json(Map.of("error", "not an ISO-8601 instant: " + e.getParsedString())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String request;
                try {
                    request = ctx.method() + " " + ctx.path();
                } catch (RuntimeException recycled) {
                    log.debug("{}: failed after its client went away", name, e); // nobody left to answer
                    return;
                }
                log.warn("{}: {} failed", name, request, e);
                ctx.status(500).json(Map.of("error", "cannot answer now: " + e.getMessage()));
            });
            config.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ctx.status(e.getStatus())
                            .json(Map.of(
                                    "error", e.getStatus() == 404 ? "no such path: " + ctx.path() : e.getMessage())));
            routes.accept(config);
        });
    }
}
