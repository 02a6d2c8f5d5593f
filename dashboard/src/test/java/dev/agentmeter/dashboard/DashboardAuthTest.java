package dev.agentmeter.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void theSessionCookieIsNotTheToken() {
        DashboardConfig config = DashboardConfig.of(Map.of(DashboardConfig.PG_URL, "jdbc:postgresql://x/db",
                DashboardConfig.HTTP_AUTH_TOKEN, "s3cret"));

        String cookie = new DashboardAuth(config.httpAccess()).sessionCookie(false);

        assertThat(cookie).startsWith("agentmeter_session=").doesNotContain("s3cret")
                .endsWith("; Path=/; HttpOnly; SameSite=Strict");
    }

    @Test
    void aNetworkAddressWithoutATokenIsRefused() {
        assertThatThrownBy(() -> DashboardConfig.of(Map.of(DashboardConfig.PG_URL, "jdbc:postgresql://x/db",
                DashboardConfig.HTTP_BIND_ADDRESS, "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.bind.address");
    }
}
