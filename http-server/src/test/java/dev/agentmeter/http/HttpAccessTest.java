package dev.agentmeter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access keys as a part's config reads them. */
class HttpAccessTest {

    @TempDir
    Path dir;

    private static HttpAccess access(Map<String, String> props) {
        return HttpAccess.of(
                new AbstractConfig(HttpAccess.define(new ConfigDef(), "http.", "127.0.0.1"), props), "http.");
    }

    @Test
    void aTokenFileWithSeveralTokensAcceptsEachForRotation() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# new, since 2026-12-07\nnew-token\n\n  old-token  \n");
        HttpAccess access = access(Map.of("http.bind.address", "0.0.0.0", "http.auth.token.file", file.toString()));
        BearerAuth auth = new BearerAuth(access);

        assertThat(access.tokens()).containsExactly("new-token", "old-token");
        assertThat(access.token()).as("the one presented to peers").isEqualTo("new-token");
        assertThat(auth.matches("new-token")).isTrue();
        assertThat(auth.matches("old-token")).isTrue();
        assertThat(auth.matches("# new, since 2026-12-07")).isFalse();
        assertThat(auth.matches("")).isFalse();
        assertThat(access.toString())
                .startsWith("HttpAccess[bind=0.0.0.0, auth=2 tokens, open=")
                .doesNotContain("new-token", "old-token");
    }

    @Test
    void aTokenFileWithOnlyCommentsIsRefused() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# rotate me\n\n");

        assertThatThrownBy(
                        () -> access(Map.of("http.bind.address", "0.0.0.0", "http.auth.token.file", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.auth.token.file")
                .hasMessageContaining("empty");
    }

    @Test
    void allowedHostsAreReadInLowerCase() {
        assertThat(access(Map.of("http.allowed.hosts", "Dashboard.example.com, localhost"))
                        .allowedHosts())
                .containsExactlyInAnyOrder("dashboard.example.com", "localhost");
    }
}
