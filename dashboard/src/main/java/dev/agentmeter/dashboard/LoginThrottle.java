package dev.agentmeter.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login attempts per client address: after {@code maxFailures} wrong tokens within
 * {@link #WINDOW}, that client's logins are refused (429, Retry-After) until the oldest failure
 * leaves the window. A right token clears the client's failures. Guessing a 128-bit token is
 * hopeless anyway; this keeps a short or reused one from being guessed, and keeps the logs quiet.
 */
final class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(15);
    /** Clients remembered at most; past it the map is cleared (an attacker with that many addresses is not slowed by this anyway). */
    static final int MAX_CLIENTS = 10_000;

    private final Clock clock;
    private final int maxFailures;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(Clock clock, int maxFailures) {
        this.clock = clock;
        this.maxFailures = maxFailures;
    }

    /** How long {@code client} must wait before its next login attempt; zero when it may try now. */
    Duration wait(String client) {
        Deque<Instant> recent = failures.get(client);
        if (recent == null) {
            return Duration.ZERO;
        }
        synchronized (recent) {
            Instant now = clock.instant();
            while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) {
                recent.pollFirst();
            }
            if (recent.size() < maxFailures) {
                return Duration.ZERO;
            }
            return Duration.between(now, recent.peekFirst().plus(WINDOW));
        }
    }

    void failed(String client) {
        if (failures.size() >= MAX_CLIENTS && !failures.containsKey(client)) {
            failures.clear();
        }
        Deque<Instant> recent = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(clock.instant());
            while (recent.size() > maxFailures) {
                recent.pollFirst();
            }
        }
    }

    void succeeded(String client) {
        failures.remove(client);
    }
}
