package dev.agentmeter.notifier;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.notifier.Target.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The HTTP targets: Alertmanager (every instance of a pair) and webhooks (Slack-compatible or the alert as JSON, signed). */
final class HttpTargets {

    static final String SIGNATURE = "X-Agentmeter-Signature";
    static final String TIMESTAMP = "X-Agentmeter-Timestamp";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private HttpTargets() {}

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(v -> {
                    try {
                        return Duration.ofSeconds(Long.parseLong(v.trim()));
                    } catch (NumberFormatException dateForm) {
                        return null;
                    }
                })
                .orElse(null);
    }

    /**
     * Alertmanager: posted to every URL; delivered when at least one instance took it (a pair
     * gossips it to the other), a retry when none did. Alertmanager de-duplicates a resend by labels.
     */
    static final class Alertmanager implements Target {
        private final List<URI> urls;
        private final HttpClient http;
        private final Duration timeout;
        private final String dashboardUrl;
        private final Clock clock;
        private final NotifierMetrics metrics;

        Alertmanager(
                List<URI> urls,
                HttpClient http,
                Duration timeout,
                String dashboardUrl,
                Clock clock,
                NotifierMetrics metrics) {
            this.urls = urls.stream()
                    .map(u -> URI.create(u.toString().replaceAll("/+$", "") + "/api/v2/alerts"))
                    .toList();
            this.http = http;
            this.timeout = timeout;
            this.dashboardUrl = dashboardUrl;
            this.clock = clock;
            this.metrics = metrics;
        }

        @Override
        public String name() {
            return "alertmanager";
        }

        @Override
        public Outcome send(BudgetAlert alert) {
            byte[] body = Payloads.alertmanager(alert, dashboardUrl, clock.instant());
            List<String> failures = new ArrayList<>();
            boolean delivered = false;
            boolean retry = false;
            for (URI url : urls) {
                Outcome o = post(http, url, body, timeout, "Alertmanager " + url.getAuthority(), List.of());
                if (o.kind() == Outcome.Kind.DELIVERED) {
                    delivered = true;
                } else {
                    metrics.alertmanagerInstanceFailed(url.getAuthority());
                    failures.add(o.reason());
                    retry |= o.kind() == Outcome.Kind.RETRY;
                }
            }
            if (delivered) {
                return Outcome.DELIVERED;
            }
            String reason = String.join("; ", failures);
            return retry ? Outcome.retry(reason, null) : Outcome.refused(reason);
        }
    }

    /** One webhook rule: Slack's shape or the alert itself, signed, with the alertId as its idempotency key. */
    static final class Webhook implements Target {
        private final NotifierConfig.Route route;
        private final HttpClient http;
        private final Duration timeout;
        private final byte[] signingKey;
        private final String dashboardUrl;
        private final Clock clock;

        Webhook(
                NotifierConfig.Route route,
                HttpClient http,
                Duration timeout,
                byte[] signingKey,
                String dashboardUrl,
                Clock clock) {
            this.route = route;
            this.http = http;
            this.timeout = timeout;
            this.signingKey = signingKey;
            this.dashboardUrl = dashboardUrl;
            this.clock = clock;
        }

        NotifierConfig.Route route() {
            return route;
        }

        @Override
        public String name() {
            return "webhook:" + route.scope();
        }

        @Override
        public Outcome send(BudgetAlert alert) {
            byte[] body = route.format().equals("slack") ? Payloads.slack(alert, dashboardUrl) : Payloads.json(alert);
            List<String> headers = new ArrayList<>(List.of(IDEMPOTENCY_KEY, alert.alertId()));
            if (signingKey != null) {
                String timestamp = Long.toString(clock.instant().getEpochSecond());
                headers.addAll(List.of(TIMESTAMP, timestamp, SIGNATURE, "sha256=" + sign(signingKey, timestamp, body)));
            }
            return post(
                    http, route.url(), body, timeout, "webhook " + route.url().getAuthority(), headers);
        }
    }

    /** {@code hex(HMAC-SHA256(key, timestamp + "." + body))}: a receiver checks it and refuses old timestamps (replays). */
    static String sign(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static Outcome post(
            HttpClient http, URI url, byte[] body, Duration timeout, String who, List<String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return Outcome.ofStatus(response.statusCode(), who, retryAfter(response));
        } catch (IOException e) {
            return Outcome.retry(
                    who + " unreachable: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry(who + ": interrupted", null);
        }
    }
}
