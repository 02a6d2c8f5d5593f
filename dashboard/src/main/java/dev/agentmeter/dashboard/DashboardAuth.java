package dev.agentmeter.dashboard;

import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.http.BearerAuth;
import dev.agentmeter.http.HttpAccess;
import io.javalin.http.Context;

/**
 * The dashboard's door. With a token configured, a request passes with the bearer header (scripts,
 * downloads by curl) or with the session cookie a browser gets at {@code /login}. The cookie holds
 * a random session id ({@link Sessions}), not the token: it ends after the session's maximum age,
 * at logout, or when the dashboard restarts, and every login gets a new one. A page asked for
 * without either gets 401 with the login form; anything else, 401 as JSON. Without a token
 * (loopback by default) everything is open.
 */
public final class DashboardAuth extends BearerAuth {

    public static final String COOKIE = "agentmeter_session";

    private final Sessions sessions;

    DashboardAuth(HttpAccess access, Sessions sessions) {
        super(access);
        this.sessions = access.tokenRequired() ? sessions : null;
    }

    @Override
    public void handle(Context ctx) {
        if (sessions == null || open(ctx.path())) {
            return;
        }
        if (matches(bearer(ctx)) || sessions.valid(ctx.cookie(COOKIE))) {
            return;
        }
        deny(ctx);
    }

    @Override
    protected void deny(Context ctx) {
        String accept = ctx.header("Accept");
        boolean page = (ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD"))
                && accept != null
                && accept.contains("text/html");
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
        return access().isOpen(path)
                || path.equals("/login")
                || path.startsWith("/assets/")
                || path.startsWith("/webjars/");
    }

    public boolean tokenRequired() {
        return sessions != null;
    }

    /**
     * The Set-Cookie value of a browser that gave the right token: a new session, whatever it had
     * before ({@code previous}, closed), so an id planted before the login is worth nothing after it.
     */
    String sessionCookie(String previous, boolean secure) {
        sessions.close(previous);
        return COOKIE + "=" + sessions.open() + "; Path=/; Max-Age="
                + sessions.maxAge().toSeconds() + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Logout: the session ends here, not only in the browser. */
    void logout(String session) {
        if (sessions != null) {
            sessions.close(session);
        }
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
}
