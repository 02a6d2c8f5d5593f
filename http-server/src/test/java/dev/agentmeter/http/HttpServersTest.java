package dev.agentmeter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real Jetty server on loopback, asked by a real HTTP client. */
class HttpServersTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private Javalin server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(HttpAccess access) {
        server = HttpServers.create("test", access, config -> {
                    config.routes.get("/health", ctx -> ctx.json(Map.of("status", "RUNNING")));
                    config.routes.get("/v1/money", ctx -> ctx.json(Map.of("spendUsd", new BigDecimal("0.0105"))));
                    config.routes.get("/v1/bad", ctx -> {
                        throw new IllegalArgumentException("period 'WEEK' is not one of HOUR, DAY, MONTH");
                    });
                    HttpServers.metrics(config, () -> "agentmeter_test_total 3.0\n");
                })
                .start(0);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpAccess withToken(String token) {
        return new HttpAccess("127.0.0.1", false, List.of(token), Set.of("/health"), Set.of(), null);
    }

    @Test
    void metricsAreTheScrapeInPrometheusTextFormat() throws Exception {
        start(HttpAccess.loopback());

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("agentmeter_test_total 3.0\n");
    }

    @Test
    void withoutATokenOnLoopbackEveryPathIsOpen() throws Exception {
        start(HttpAccess.loopback());

        assertThat(get("/v1/money").statusCode()).isEqualTo(200);
    }

    /** The status line of a GET sent with {@code host} as its Host header (the JDK's client will not send another). */
    private String statusWithHost(String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream()
                    .write(("GET /v1/money HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void onLoopbackARequestForAnotherHostIsRefusedAsADnsRebindingWouldSendIt() throws Exception {
        start(HttpAccess.loopback());

        assertThat(statusWithHost("attacker.example:" + server.port())).isEqualTo("HTTP/1.1 421 Misdirected Request");
        assertThat(statusWithHost("localhost:" + server.port())).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusWithHost("127.0.0.1:" + server.port())).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusWithHost("[::1]:" + server.port())).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void withAllowedHostsOnlyThoseNamesAreAnsweredOnAnyAddress() throws Exception {
        start(new HttpAccess("0.0.0.0", false, List.of(), Set.of("/health"), Set.of("dashboard.agentmeter.svc"), null));

        assertThat(statusWithHost("dashboard.agentmeter.svc:8080")).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusWithHost("DASHBOARD.agentmeter.svc")).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusWithHost("attacker.example")).isEqualTo("HTTP/1.1 421 Misdirected Request");
        assertThat(statusWithHost("dashboard.agentmeter.svc:80@evil"))
                .as("Jetty refuses a malformed Host first")
                .isEqualTo("HTTP/1.1 400 Bad Request");
    }

    @Test
    void withoutAllowedHostsAPartOnANetworkAddressAnswersAnyName() throws Exception {
        start(new HttpAccess("0.0.0.0", true, List.of(), Set.of("/health"), Set.of(), null));

        assertThat(statusWithHost("dashboard.agentmeter.svc")).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void loopbackNamesAreLocalhostAnd127AndTheIpv6One() {
        assertThat(HttpServers.isLoopbackHost("localhost")).isTrue();
        assertThat(HttpServers.isLoopbackHost("127.0.0.2:80")).isTrue();
        assertThat(HttpServers.isLoopbackHost("localhost.attacker.example")).isFalse();
        assertThat(HttpServers.isLoopbackHost("127.0.0.1.nip.io")).isFalse();
        assertThat(HttpServers.isLoopbackHost("localhost:80@evil")).isFalse();
    }

    @Test
    void moneyIsADecimalString() throws Exception {
        start(HttpAccess.loopback());

        assertThat(get("/v1/money").body()).isEqualTo("{\"spendUsd\":\"0.0105\"}");
    }

    @Test
    void aMissingTokenIs401WithTheBearerChallenge() throws Exception {
        start(withToken("s3cret"));

        HttpResponse<String> r = get("/v1/money");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"agentmeter\"");
        assertThat(r.body())
                .isEqualTo("{\"error\":\"missing or wrong bearer token: send 'Authorization: Bearer <token>'\"}");
    }

    @Test
    void aWrongTokenIs401() throws Exception {
        start(withToken("s3cret"));

        assertThat(get("/v1/money", "Authorization", "Bearer s3cret-not").statusCode())
                .isEqualTo(401);
        assertThat(get("/v1/money", "Authorization", "Basic s3cret").statusCode())
                .isEqualTo(401);
    }

    @Test
    void theRightTokenIs200WhateverTheSchemeCase() throws Exception {
        start(withToken("s3cret"));

        assertThat(get("/v1/money", "Authorization", "Bearer s3cret").statusCode())
                .isEqualTo(200);
        assertThat(get("/v1/money", "Authorization", "bearer s3cret").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTokenInTheWrongCaseIs401EvenOnAConnectionThatSentTheRightOne() throws Exception {
        start(withToken("s3cret"));

        assertThat(get("/v1/money", "Authorization", "Bearer s3cret").statusCode())
                .isEqualTo(200);
        assertThat(get("/v1/money", "Authorization", "Bearer S3CRET").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aCookieIsNoBearerToken() throws Exception {
        start(withToken("s3cret"));

        assertThat(get("/v1/money", "Cookie", "agentmeter_token=s3cret").statusCode())
                .isEqualTo(401);
    }

    @Test
    void openPathsNeedNoToken() throws Exception {
        start(withToken("s3cret"));

        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aBadParameterIs400WithTheReason() throws Exception {
        start(HttpAccess.loopback());

        HttpResponse<String> r = get("/v1/bad");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"error\":\"period 'WEEK' is not one of HOUR, DAY, MONTH\"}");
    }

    @Test
    void anUnknownPathIs404AsJson() throws Exception {
        start(HttpAccess.loopback());

        HttpResponse<String> r = get("/v2/nothing");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"error\":\"no such path: /v2/nothing\"}");
    }
}
