package dev.agentmeter.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.embedded.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class DashboardAuthTest {

    @Test
    void afterLoginOnlyAPathOfThisDashboardIsFollowed() {
        assertThat(DashboardAuth.safeNext("/costs?period=today")).isEqualTo("/costs?period=today");
        assertThat(DashboardAuth.safeNext("//evil.example/")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext("https://evil.example/")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext(null)).isEqualTo("/");
    }

    @Test
    void aPathThatABrowserWouldTurnIntoAnotherSiteIsRefused() {
        // "/%09/evil.com" arrives decoded from the login form: browsers drop the tab and go to //evil.com
        assertThat(DashboardAuth.safeNext("/\t/evil.com")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext("/\n/evil.com")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext("/ /evil.com")).isEqualTo("/");
        assertThat(DashboardAuth.safeNext("/costs\\..\\x")).isEqualTo("/");
    }

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));

    private DashboardAuth auth(Sessions sessions) {
        return new DashboardAuth(
                DashboardConfig.of(Map.of(
                                DashboardConfig.PG_URL,
                                "jdbc:postgresql://x/db",
                                DashboardConfig.HTTP_AUTH_TOKEN,
                                "s3cret"))
                        .httpAccess(),
                sessions);
    }

    private static String id(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void theSessionCookieIsARandomIdNotTheTokenAndTellsTheBrowserWhenItEnds() {
        String cookie = auth(new Sessions(clock, Duration.ofHours(8))).sessionCookie(null, false);

        assertThat(cookie)
                .startsWith("agentmeter_session=")
                .doesNotContain("s3cret")
                .endsWith("; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
        assertThat(id(cookie)).hasSize(43); // 256 bits, base64url without padding
    }

    @Test
    void aSessionEndsAtItsMaximumAge() {
        Sessions sessions = new Sessions(clock, Duration.ofHours(8));
        String id = id(auth(sessions).sessionCookie(null, false));

        clock.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(sessions.valid(id)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.valid(id)).isFalse();
    }

    @Test
    void logoutEndsTheSessionOnTheServer() {
        Sessions sessions = new Sessions(clock, Duration.ofHours(8));
        DashboardAuth auth = auth(sessions);
        String id = id(auth.sessionCookie(null, false));

        auth.logout(id);

        assertThat(sessions.valid(id)).isFalse();
    }

    @Test
    void aLoginGetsANewSessionAndEndsTheOneTheBrowserBrought() {
        Sessions sessions = new Sessions(clock, Duration.ofHours(8));
        DashboardAuth auth = auth(sessions);
        String planted = id(auth.sessionCookie(null, false));

        String fresh = id(auth.sessionCookie(planted, false));

        assertThat(fresh).isNotEqualTo(planted);
        assertThat(sessions.valid(planted)).isFalse();
        assertThat(sessions.valid(fresh)).isTrue();
    }

    @Test
    void fiveWrongTokensMakeTheClientWaitUntilTheFirstLeavesTheWindow() {
        LoginThrottle throttle = new LoginThrottle(clock, 5);
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.wait("10.0.0.7")).isZero();
            throttle.failed("10.0.0.7");
            clock.advance(Duration.ofSeconds(60));
        }

        assertThat(throttle.wait("10.0.0.7")).isEqualTo(Duration.ofMinutes(10));
        assertThat(throttle.wait("10.0.0.8")).as("another client").isZero();
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.wait("10.0.0.7")).isZero();
    }

    @Test
    void theRightTokenClearsTheClientsFailures() {
        LoginThrottle throttle = new LoginThrottle(clock, 2);
        throttle.failed("10.0.0.7");
        throttle.succeeded("10.0.0.7");
        throttle.failed("10.0.0.7");

        assertThat(throttle.wait("10.0.0.7")).isZero();
    }

    @Test
    void aNetworkAddressWithoutATokenIsRefused() {
        assertThatThrownBy(() -> DashboardConfig.of(Map.of(
                        DashboardConfig.PG_URL,
                        "jdbc:postgresql://x/db",
                        DashboardConfig.HTTP_BIND_ADDRESS,
                        "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.bind.address");
    }
}
