package dev.agentmeter.dashboard;

import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.http.BearerAuth;
import dev.agentmeter.http.HttpAccess;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's door. With a token configured, a request passes with the bearer header (scripts,
 * downloads by curl) or with the session cookie a browser gets at {@code /login}. The cookie holds
 * an HMAC of a fixed label under the token, not the token: it is useless anywhere else, and
 * changing the token logs every browser out. A page asked for without either gets 401 with the
 * login form; anything else, 401 as JSON. Without a token (loopback by default) everything is open.
 */
public final class DashboardAuth extends BearerAuth {

    public static final String COOKIE = "agentmeter_session";

    private final byte[] session;

    public DashboardAuth(HttpAccess access) {
        super(access);
        this.session = access.tokenRequired() ? sessionValue(access.token()).getBytes(StandardCharsets.US_ASCII) : null;
    }

    @Override
    public void handle(Context ctx) {
        if (session == null || open(ctx.path())) {
            return;
        }
        if (matches(bearer(ctx))) {
            return;
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null && MessageDigest.isEqual(session, cookie.getBytes(StandardCharsets.US_ASCII))) {
            return;
        }
        deny(ctx);
    }

    @Override
    protected void deny(Context ctx) {
        String accept = ctx.header("Accept");
        boolean page = (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD"))
                && accept != null && accept.contains("text/html");
        if (!page) {
            super.deny(ctx);
            return;
        }
        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.status(401).contentType("text/html; charset=utf-8").result(loginPage(next, null));
        ctx.skipRemainingHandlers();
    }

    /** Whether the path is answered to anyone: probes, metrics, the login form and the static assets. */
    boolean open(String path) {
        return access().isOpen(path) || path.equals("/login") || path.startsWith("/assets/") || path.startsWith("/webjars/");
    }

    public boolean tokenRequired() {
        return session != null;
    }

    /** The Set-Cookie value of a browser that gave the right token. */
    String sessionCookie(boolean secure) {
        return COOKIE + "=" + new String(session, StandardCharsets.US_ASCII) + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /** Only a path on this dashboard: never another site ({@code //host}, a scheme). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        // Browsers drop tabs and line breaks from a URL: "/\t/evil.com" would become "//evil.com", another site.
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '\\') {
                return "/";
            }
        }
        return next;
    }

    static String loginPage(String next, String error) {
        String main = (error == null ? "" : "<p class=\"notice\" role=\"alert\">" + Html.esc(error) + "</p>\n")
                + "<form method=\"post\" action=\"/login\" class=\"login\">\n"
                + "<input type=\"hidden\" name=\"next\" value=\"" + Html.esc(safeNext(next)) + "\">\n"
                + "<label>Token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label>\n"
                + "<button type=\"submit\">Log in</button>\n</form>\n"
                + "<p class=\"hint\">The dashboard's <code>http.auth.token</code>. Scripts may send it as"
                + " <code>Authorization: Bearer …</code> instead.</p>\n";
        return Page.layout("Log in", "", main, false, false);
    }

    private static String sessionValue(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal("agentmeter-dashboard-session-v1".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
