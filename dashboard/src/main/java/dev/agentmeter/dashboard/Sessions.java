package dev.agentmeter.dashboard;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's browser sessions, kept in its memory: a login opens one (a fresh random id, so a
 * login never reuses an id an attacker could have planted), logout closes it at once, and each
 * ends {@code maxAge} after it opened. A restart ends every session (browsers log in again); a
 * second dashboard replica would need sticky sessions.
 */
final class Sessions {

    /** Far more browsers than one team has; past it, the session that ends first goes. */
    static final int MAX_SESSIONS = 10_000;

    private final Clock clock;
    private final Duration maxAge;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> endsAt = new ConcurrentHashMap<>();

    Sessions(Clock clock, Duration maxAge) {
        this.clock = clock;
        this.maxAge = maxAge;
    }

    Duration maxAge() {
        return maxAge;
    }

    /** A new session's id (256 random bits, URL-safe). */
    String open() {
        Instant now = clock.instant();
        endsAt.values().removeIf(end -> !end.isAfter(now));
        while (endsAt.size() >= MAX_SESSIONS) {
            endsAt.entrySet().stream()
                    .min(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                    .ifPresent(oldest -> endsAt.remove(oldest.getKey()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        endsAt.put(id, now.plus(maxAge));
        return id;
    }

    /** Whether {@code id} names an open session that has not ended. */
    boolean valid(String id) {
        if (id == null) {
            return false;
        }
        Instant end = endsAt.get(id);
        if (end == null) {
            return false;
        }
        if (!end.isAfter(clock.instant())) {
            endsAt.remove(id);
            return false;
        }
        return true;
    }

    /** Ends {@code id} (logout); an unknown id changes nothing. */
    void close(String id) {
        if (id != null) {
            endsAt.remove(id);
        }
    }
}
