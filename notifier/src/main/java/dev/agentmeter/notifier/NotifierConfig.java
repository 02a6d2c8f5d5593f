package dev.agentmeter.notifier;

import dev.agentmeter.http.HttpAccess;
import dev.agentmeter.http.Validators;
import dev.agentmeter.model.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * The notifier's settings (file, then environment {@code AGENTMETER_<KEY>} with dots as
 * underscores). Where alerts go: {@value #ALERTMANAGER_URLS} (every instance of an HA pair) and
 * {@value #WEBHOOK_ROUTES}, rules {@code SCOPE=FORMAT:URL} ({@code team:support=slack:https://…},
 * {@code team:*=json:https://…}, {@code *=…}; every rule that matches an alert's scope gets it).
 */
public final class NotifierConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String GROUP_ID = "group.id";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead.letters";
    public static final String ALERTMANAGER_URLS = "alertmanager.urls";
    public static final String ALERTMANAGER_RESEND_INTERVAL = "alertmanager.resend.interval";
    public static final String WEBHOOK_ROUTES = "webhook.routes";
    public static final String WEBHOOK_SIGNING_KEY = "webhook.signing.key";
    public static final String WEBHOOK_SIGNING_KEY_FILE = "webhook.signing.key.file";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_BACKOFF_INITIAL = "retry.backoff.initial";
    public static final String RETRY_BACKOFF_MAX = "retry.backoff.max";
    public static final String REQUEST_TIMEOUT = "request.timeout";
    public static final String DASHBOARD_URL = "dashboard.url";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_PREFIX = "http.";
    public static final String KAFKA_PREFIX = "kafka.";

    public static final int DEFAULT_PORT = 7072;
    public static final String DEFAULT_DEAD_LETTERS = Topics.NOTIFY_DEAD_LETTERS;

    private static final ConfigDef.Validator DURATION = Validators.positiveDuration();

    public static final ConfigDef DEF = HttpAccess.define(new ConfigDef(), HTTP_PREFIX, "127.0.0.1")
            .define(
                    BOOTSTRAP_SERVERS,
                    ConfigDef.Type.STRING,
                    "localhost:9092",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka bootstrap servers.")
            .define(
                    GROUP_ID,
                    ConfigDef.Type.STRING,
                    "agentmeter-notifier",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Consumer group: the replicas share the alerts; an offset is committed only once every alert up to it"
                            + " was delivered or dead-lettered.")
            .define(
                    TOPIC_ALERTS,
                    ConfigDef.Type.STRING,
                    Topics.BUDGET_ALERTS,
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The budget-alert topic (read committed).")
            .define(
                    TOPIC_DEAD_LETTERS,
                    ConfigDef.Type.STRING,
                    DEFAULT_DEAD_LETTERS,
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "Alerts no target took after every retry, with the target and the reason; `agentmeter notify replay`"
                            + " sends them again.")
            .define(
                    ALERTMANAGER_URLS,
                    ConfigDef.Type.LIST,
                    "",
                    Importance.HIGH,
                    "Prometheus Alertmanager base URLs (each instance of an HA pair); alerts are posted to /api/v2/alerts.")
            .define(
                    ALERTMANAGER_RESEND_INTERVAL,
                    ConfigDef.Type.STRING,
                    "PT1M",
                    DURATION,
                    Importance.LOW,
                    "How often active alerts are posted again; keep it below Alertmanager's resolve_timeout (5m).")
            .define(
                    WEBHOOK_ROUTES,
                    ConfigDef.Type.LIST,
                    "",
                    Importance.HIGH,
                    "Webhook rules SCOPE=FORMAT:URL, FORMAT slack or json; SCOPE an exact scope, TYPE:* or *.")
            .define(
                    WEBHOOK_SIGNING_KEY,
                    ConfigDef.Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "HMAC-SHA256 key of the json webhooks' X-Agentmeter-Signature header (prefer the file).")
            .define(
                    WEBHOOK_SIGNING_KEY_FILE,
                    ConfigDef.Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "A file holding the signing key.")
            .define(
                    RETRY_MAX_ATTEMPTS,
                    ConfigDef.Type.INT,
                    6,
                    ConfigDef.Range.between(1, 100),
                    Importance.MEDIUM,
                    "Attempts per alert and target before it goes to the dead-letter topic.")
            .define(
                    RETRY_BACKOFF_INITIAL,
                    ConfigDef.Type.STRING,
                    "PT1S",
                    DURATION,
                    Importance.LOW,
                    "First wait between attempts; doubled each time, with full jitter.")
            .define(
                    RETRY_BACKOFF_MAX,
                    ConfigDef.Type.STRING,
                    "PT30S",
                    DURATION,
                    Importance.LOW,
                    "Longest wait between attempts.")
            .define(
                    REQUEST_TIMEOUT,
                    ConfigDef.Type.STRING,
                    "PT10S",
                    DURATION,
                    Importance.LOW,
                    "Timeout of one delivery request.")
            .define(
                    DASHBOARD_URL,
                    ConfigDef.Type.STRING,
                    "",
                    Importance.LOW,
                    "The dashboard's address, for the link in each alert (empty: no link).")
            .define(
                    HTTP_PORT,
                    ConfigDef.Type.INT,
                    DEFAULT_PORT,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of /health and /metrics.");

    /** One webhook rule. */
    public record Route(String scope, String format, URI url) {
        public boolean matches(String alertScope) {
            if (scope.equals("*")) {
                return true;
            }
            if (scope.endsWith(":*")) {
                return alertScope.startsWith(scope.substring(0, scope.length() - 1));
            }
            return scope.equals(alertScope);
        }
    }

    private final HttpAccess httpAccess;
    private final List<Route> routes;

    public NotifierConfig(Map<?, ?> props) {
        super(DEF, props);
        httpAccess = HttpAccess.of(this, HTTP_PREFIX);
        routes = parseRoutes(getList(WEBHOOK_ROUTES));
        for (String url : getList(ALERTMANAGER_URLS)) {
            uri(ALERTMANAGER_URLS, url);
        }
        if (alertmanagerUrls().isEmpty() && routes.isEmpty()) {
            throw new ConfigException(
                    ALERTMANAGER_URLS + " and " + WEBHOOK_ROUTES + " are both empty: nowhere to send alerts");
        }
    }

    public static NotifierConfig of(Map<String, ?> props) {
        return new NotifierConfig(new HashMap<>(props));
    }

    static List<Route> parseRoutes(List<String> rules) {
        List<Route> out = new ArrayList<>();
        for (String rule : rules) {
            int eq = rule.indexOf('=');
            int colon = eq < 0 ? -1 : rule.indexOf(':', eq + 1);
            if (eq <= 0 || colon < 0) {
                throw new ConfigException(
                        WEBHOOK_ROUTES,
                        rule,
                        "must be SCOPE=FORMAT:URL, e.g. team:support=slack:https://hooks.example/x");
            }
            String scope = rule.substring(0, eq).trim();
            String format = rule.substring(eq + 1, colon).trim();
            if (!format.equals("slack") && !format.equals("json")) {
                throw new ConfigException(WEBHOOK_ROUTES, rule, "format must be slack or json, not " + format);
            }
            out.add(new Route(
                    scope, format, uri(WEBHOOK_ROUTES, rule.substring(colon + 1).trim())));
        }
        return List.copyOf(out);
    }

    private static URI uri(String key, String text) {
        try {
            URI u = URI.create(text.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, text, "not an http(s) URL");
        }
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    public String alertsTopic() {
        return getString(TOPIC_ALERTS);
    }

    public String deadLetterTopic() {
        return getString(TOPIC_DEAD_LETTERS);
    }

    public List<URI> alertmanagerUrls() {
        return getList(ALERTMANAGER_URLS).stream()
                .filter(s -> !s.isBlank())
                .map(s -> uri(ALERTMANAGER_URLS, s))
                .toList();
    }

    public Duration resendInterval() {
        return Duration.parse(getString(ALERTMANAGER_RESEND_INTERVAL));
    }

    public List<Route> routes() {
        return routes;
    }

    public int maxAttempts() {
        return getInt(RETRY_MAX_ATTEMPTS);
    }

    public Duration backoffInitial() {
        return Duration.parse(getString(RETRY_BACKOFF_INITIAL));
    }

    public Duration backoffMax() {
        return Duration.parse(getString(RETRY_BACKOFF_MAX));
    }

    public Duration requestTimeout() {
        return Duration.parse(getString(REQUEST_TIMEOUT));
    }

    public String dashboardUrl() {
        return getString(DASHBOARD_URL);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public HttpAccess httpAccess() {
        return httpAccess;
    }

    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX);
    }

    /** The signing key, from the file when one is named; null when neither is set (then json webhooks are unsigned). */
    public byte[] signingKey() {
        String file = getString(WEBHOOK_SIGNING_KEY_FILE);
        try {
            if (file != null && !file.isBlank()) {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8)
                        .strip()
                        .getBytes(StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigException(WEBHOOK_SIGNING_KEY_FILE, file, "cannot read: " + e.getMessage());
        }
        var key = getPassword(WEBHOOK_SIGNING_KEY);
        return key == null ? null : key.value().getBytes(StandardCharsets.UTF_8);
    }
}
