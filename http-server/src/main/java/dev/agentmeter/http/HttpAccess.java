package dev.agentmeter.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Who may talk to an agentmeter HTTP part (processor queries, collector, dashboard): the address it
 * binds to and the bearer token it asks for. The rule, the same for every part:
 * <ul>
 *   <li>with a token, every path but the open ones ({@code /health} and {@code /metrics} by
 *       default, for probes and Prometheus) answers 401 without it;</li>
 *   <li>without a token, only a loopback address may be bound: a part that would be reachable from
 *       the network without one refuses to start, unless {@code auth=none} says so explicitly.</li>
 * </ul>
 * Each part declares these keys in its own config class under its own prefix ({@link #define}).
 */
public record HttpAccess(
        String bindAddress,
        boolean authNone,
        List<String> tokens,
        Set<String> openPaths,
        Set<String> allowedHosts,
        Tls tls) {

    public HttpAccess {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public static final String BIND_ADDRESS = "bind.address";
    public static final String AUTH = "auth";
    public static final String TOKEN = "auth.token";
    public static final String TOKEN_FILE = "auth.token.file";
    public static final String OPEN_PATHS = "auth.open.paths";
    public static final String ALLOWED_HOSTS = "allowed.hosts";
    public static final String TLS_CERT_FILE = "tls.cert.file";
    public static final String TLS_KEY_FILE = "tls.key.file";
    public static final String TLS_CLIENT_CA_FILE = "tls.client.ca.file";
    public static final String AUTH_TOKEN = "token";
    public static final String AUTH_NONE = "none";
    public static final String DEFAULT_OPEN_PATHS = "/health,/metrics";

    /** Open to everyone on loopback, as a part started on a laptop; no token. */
    public static HttpAccess loopback() {
        return new HttpAccess("127.0.0.1", false, List.of(), Set.of("/health", "/metrics"), Set.of(), null);
    }

    /** Adds the access keys under {@code prefix} (e.g. {@code http.}) to a part's config definition. */
    public static ConfigDef define(ConfigDef def, String prefix, String defaultBindAddress) {
        return def.define(
                        prefix + BIND_ADDRESS,
                        ConfigDef.Type.STRING,
                        defaultBindAddress,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Address the HTTP server binds to. A non-loopback address (0.0.0.0, a pod IP)"
                                + " needs " + prefix + TOKEN + " or " + prefix + TOKEN_FILE + ", or " + prefix + AUTH
                                + "=none said explicitly.")
                .define(
                        prefix + AUTH,
                        ConfigDef.Type.STRING,
                        AUTH_TOKEN,
                        ConfigDef.ValidString.in(AUTH_TOKEN, AUTH_NONE),
                        Importance.HIGH,
                        "token: requests carry 'Authorization: Bearer <token>' when a token is set"
                                + " (without one, only loopback may be bound); none: no authentication on any address"
                                + " (for a network that is private by other means).")
                .define(
                        prefix + TOKEN,
                        ConfigDef.Type.PASSWORD,
                        null,
                        Importance.HIGH,
                        "The bearer token clients must send; compared in constant time.")
                .define(
                        prefix + TOKEN_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "A file holding the bearer token (a mounted Secret), or several, one per line, any of which"
                                + " is accepted: rotate by adding the new one, moving clients over, then removing the old."
                                + " Blank lines and lines starting with # are ignored.")
                .define(
                        prefix + OPEN_PATHS,
                        ConfigDef.Type.LIST,
                        DEFAULT_OPEN_PATHS,
                        Importance.LOW,
                        "Paths answered without the token (exact paths). Empty: every path needs it.")
                .define(
                        prefix + ALLOWED_HOSTS,
                        ConfigDef.Type.LIST,
                        "",
                        Importance.MEDIUM,
                        "Host names requests may be addressed to (the Host header, without its port), e.g. the"
                                + " Service and Ingress names; others get 421. Empty: loopback names only when bound"
                                + " to loopback (a web page cannot reach the part through DNS rebinding), any name"
                                + " otherwise. Loopback names are always allowed on a loopback-bound part.")
                .define(
                        prefix + TLS_CERT_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "Serve HTTPS with this PEM certificate chain (the part's certificate first, its CA after"
                                + " it: cert-manager's tls.crt). Needs " + prefix + TLS_KEY_FILE + ".")
                .define(
                        prefix + TLS_KEY_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.HIGH,
                        "The PEM private key of " + prefix + TLS_CERT_FILE
                                + ": PKCS#8, unencrypted (BEGIN PRIVATE KEY).")
                .define(
                        prefix + TLS_CLIENT_CA_FILE,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.MEDIUM,
                        "PEM CA certificates; when set, every client must present a certificate one of them signed"
                                + " (mutual TLS). Probes then need one too: prefer it behind a mesh or an ingress.");
    }

    /** The access a part's config describes; fails naming the key when it is unusable. */
    public static HttpAccess of(AbstractConfig config, String prefix) {
        String bind = config.getString(prefix + BIND_ADDRESS).trim();
        boolean none = AUTH_NONE.equals(config.getString(prefix + AUTH).toLowerCase(Locale.ROOT));
        Password value = config.getPassword(prefix + TOKEN);
        String file = config.getString(prefix + TOKEN_FILE);
        if (value != null && file != null) {
            throw new ConfigException(
                    prefix + TOKEN_FILE,
                    file,
                    "set either " + prefix + TOKEN + " or " + prefix + TOKEN_FILE + ", not both");
        }
        List<String> tokens = file != null
                ? readTokens(prefix + TOKEN_FILE, file)
                : value == null ? List.of() : List.of(value.value().trim());
        if ((value != null && tokens.get(0).isEmpty()) || (file != null && tokens.isEmpty())) {
            throw new ConfigException(
                    prefix + (file != null ? TOKEN_FILE : TOKEN),
                    file != null ? file : "(empty)",
                    "the token is empty");
        }
        if (none) {
            tokens = List.of();
        } else if (tokens.isEmpty() && !isLoopback(bind)) {
            throw new ConfigException(
                    prefix + BIND_ADDRESS,
                    bind,
                    "this address is reachable from other hosts and no"
                            + " token is set: set " + prefix + TOKEN + " (or " + prefix + TOKEN_FILE
                            + "), bind to 127.0.0.1,"
                            + " or set " + prefix + AUTH + "=none to run without authentication on purpose");
        }
        String cert = config.getString(prefix + TLS_CERT_FILE);
        String key = config.getString(prefix + TLS_KEY_FILE);
        String clientCa = config.getString(prefix + TLS_CLIENT_CA_FILE);
        if ((cert == null) != (key == null) || (clientCa != null && cert == null)) {
            throw new ConfigException(
                    prefix + (cert == null ? TLS_CERT_FILE : TLS_KEY_FILE),
                    null,
                    "TLS needs both " + prefix + TLS_CERT_FILE + " and " + prefix + TLS_KEY_FILE);
        }
        Tls tls;
        try {
            tls = cert == null
                    ? null
                    : Tls.read(
                            Path.of(cert),
                            Path.of(key),
                            clientCa == null ? null : Path.of(clientCa),
                            prefix + TLS_CERT_FILE,
                            prefix + TLS_KEY_FILE,
                            prefix + TLS_CLIENT_CA_FILE);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        List<String> open = config.getList(prefix + OPEN_PATHS);
        return new HttpAccess(
                bind,
                none,
                tokens,
                open.stream().map(String::trim).filter(p -> !p.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                config.getList(prefix + ALLOWED_HOSTS).stream()
                        .map(h -> h.trim().toLowerCase(Locale.ROOT))
                        .filter(h -> !h.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                tls);
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** Whether requests must carry a token. */
    public boolean tokenRequired() {
        return !tokens.isEmpty();
    }

    /** This access with {@code token} accepted too, after the configured ones (a part's peer token). */
    public HttpAccess alsoAccepting(String token) {
        List<String> all = new ArrayList<>(tokens);
        if (!all.contains(token)) {
            all.add(token);
        }
        return new HttpAccess(bindAddress, authNone, all, openPaths, allowedHosts, tls);
    }

    /** The first token: the one this part presents when it calls its peers (null without one). */
    public String token() {
        return tokens.isEmpty() ? null : tokens.get(0);
    }

    /** Whether {@code path} is answered without the token. */
    public boolean isOpen(String path) {
        return openPaths.contains(path);
    }

    static boolean isLoopback(String address) {
        if (address.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The file's tokens, one per line; blank lines and # comments skipped. */
    private static List<String> readTokens(String key, String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .distinct()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(key, file, "cannot read the token file: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "HttpAccess[bind=" + bindAddress + ", auth="
                + (authNone
                        ? AUTH_NONE
                        : tokenRequired()
                                ? tokens.size() == 1 ? "token" : tokens.size() + " tokens"
                                : "open on loopback")
                + ", open=" + openPaths + (allowedHosts.isEmpty() ? "" : ", hosts=" + allowedHosts)
                + (tls == null ? "" : tls.mutual() ? ", https with client certificates" : ", https")
                + "]"; // never the token
    }
}
