package dev.agentmeter.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Checks the bearer token ({@code Authorization: Bearer <token>}) of every request to a path that
 * is not open ({@link HttpAccess}). Tokens are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}: the time taken says nothing about the token, not even its length.
 * A part with a login page (the dashboard) puts its own handler in front and asks {@link #matches}.
 */
public class BearerAuth implements Handler {

    private static final String PREFIX = "Bearer ";

    private final HttpAccess access;
    private final List<byte[]> expected;

    public BearerAuth(HttpAccess access) {
        this.access = access;
        this.expected = access.tokenRequired()
                ? access.tokens().stream().map(BearerAuth::digest).toList()
                : null;
    }

    @Override
    public void handle(Context ctx) {
        if (expected == null || access.isOpen(ctx.path()) || ctx.method().name().equals("OPTIONS")) {
            return;
        }
        if (!matches(bearer(ctx))) {
            deny(ctx);
        }
    }

    /** Answers 401 and skips the endpoint; a part with a login page overrides it to show that page. */
    protected void deny(Context ctx) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"agentmeter\"");
        ctx.status(401).json(Map.of("error", "missing or wrong bearer token: send 'Authorization: Bearer <token>'"));
        ctx.skipRemainingHandlers();
    }

    /**
     * Whether {@code token} is one of the configured ones (true for anything when none is
     * configured). Every configured token is compared, so the time says nothing about which matched.
     */
    public boolean matches(String token) {
        if (expected == null) {
            return true;
        }
        if (token == null) {
            return false;
        }
        byte[] given = digest(token);
        boolean found = false;
        for (byte[] e : expected) {
            found |= MessageDigest.isEqual(e, given);
        }
        return found;
    }

    public HttpAccess access() {
        return access;
    }

    /** The token of the {@code Authorization: Bearer} header, or null. */
    public static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return header.substring(PREFIX.length()).trim();
        }
        return null;
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
