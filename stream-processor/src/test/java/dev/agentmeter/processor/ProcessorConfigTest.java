package dev.agentmeter.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.ScopeType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults as documented; a bad value fails at start with a message naming the key. */
class ProcessorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ProcessorConfig c = ProcessorConfig.of(Map.of());
        assertThat(c.applicationId()).isEqualTo("agentmeter-processor");
        assertThat(c.rawTopic()).isEqualTo("agentmeter.usage.raw");
        assertThat(c.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(c.grace()).isEqualTo(Duration.ofHours(1));
        assertThat(c.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.sessionInactivity()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.aggregateFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.defaultInputPrice()).isEqualByComparingTo("3");
        assertThat(c.defaultOutputPrice()).isEqualByComparingTo("15");
        assertThat(c.freeProviders()).isEqualTo(Set.of("lmstudio", "ollama"));
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.threads()).isEqualTo(2);
        assertThat(c.budgetDefaults()).isEmpty();
        assertThat(c.windowRetention())
                .isEqualTo(Map.of(
                        Period.HOUR,
                        Duration.ofDays(2),
                        Period.DAY,
                        Duration.ofDays(40),
                        Period.MONTH,
                        Duration.ofDays(400),
                        Period.SESSION,
                        Duration.ofDays(2)));
        assertThat(c.httpAccess().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.httpAccess().tokenRequired()).isFalse();
        assertThat(c.httpAccess().openPaths()).containsExactlyInAnyOrder("/health", "/metrics");
    }

    @Test
    void aNetworkAddressWithoutATokenIsRefused() {
        assertThatThrownBy(() -> ProcessorConfig.of(Map.of(ProcessorConfig.HTTP_BIND_ADDRESS, "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value 0.0.0.0 for configuration http.bind.address: this address is"
                        + " reachable from other hosts and no token is set: set http.auth.token (or"
                        + " http.auth.token.file), bind to 127.0.0.1, or set http.auth=none");
    }

    @Test
    void aNetworkAddressWithATokenOrAnExplicitNoneIsAccepted() {
        ProcessorConfig withToken = ProcessorConfig.of(
                Map.of(ProcessorConfig.HTTP_BIND_ADDRESS, "0.0.0.0", ProcessorConfig.HTTP_AUTH_TOKEN, " s3cret "));
        ProcessorConfig none = ProcessorConfig.of(Map.of(
                ProcessorConfig.HTTP_BIND_ADDRESS,
                "0.0.0.0",
                ProcessorConfig.HTTP_AUTH,
                "none",
                ProcessorConfig.HTTP_AUTH_TOKEN,
                "ignored"));

        assertThat(withToken.httpAccess().token()).isEqualTo("s3cret");
        assertThat(none.httpAccess().tokenRequired()).isFalse();
        assertThat(none.httpAccess().authNone()).isTrue();
    }

    @Test
    void theTokenCanComeFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-a-secret\n");

        ProcessorConfig c = ProcessorConfig.of(Map.of(
                ProcessorConfig.HTTP_BIND_ADDRESS, "10.0.0.7", ProcessorConfig.HTTP_AUTH_TOKEN_FILE, file.toString()));

        assertThat(c.httpAccess().token()).isEqualTo("from-a-secret");
        assertThat(c.httpAccess().toString()).doesNotContain("from-a-secret");
    }

    @Test
    void windowRetentionIsSetPerPeriod() {
        ProcessorConfig c = ProcessorConfig.of(Map.of(
                "window.retention.hour",
                "PT6H",
                "window.retention.day",
                "P7D",
                "window.retention.month",
                "P93D",
                "window.retention.session",
                "PT0S"));
        assertThat(c.windowRetention())
                .isEqualTo(Map.of(
                        Period.HOUR,
                        Duration.ofHours(6),
                        Period.DAY,
                        Duration.ofDays(7),
                        Period.MONTH,
                        Duration.ofDays(93),
                        Period.SESSION,
                        Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "grace|an hour|Invalid value an hour for configuration grace: must be an ISO-8601 duration such as PT1H or P7D",
                "dedup.retention|-PT1H|Invalid value -PT1H for configuration dedup.retention: must not be negative",
                "aggregate.flush.interval|PT0S|Invalid value PT0S for configuration aggregate.flush.interval: must be more than zero and at most PT1M",
                "aggregate.flush.interval|PT2M|Invalid value PT2M for configuration aggregate.flush.interval: must be more than zero and at most PT1M",
                "window.retention.hour|PT59M|Invalid value PT59M for configuration window.retention.hour: must be at least PT1H (an HOUR window's length)",
                "window.retention.day|P1D|Invalid value P1D for configuration window.retention.day: must be at least PT25H (a DAY has up to 25 hours)",
                "window.retention.month|P31D|Invalid value P31D for configuration window.retention.month: must be at least P31DT1H (a MONTH has up to 31 days and 1 hour)",
                "window.retention.session|-P1D|Invalid value -P1D for configuration window.retention.session: must not be negative",
                "zone|Mars/Olympus|Invalid value Mars/Olympus for configuration zone: must be a time-zone id such as UTC or Europe/Berlin",
                "budget.default.user.WEEK|10|Invalid value 10 for configuration budget.default.user.WEEK: period must be one of [HOUR, DAY, MONTH, SESSION]",
                "budget.default.user.SESSION|10|Invalid value 10 for configuration budget.default.user.SESSION: SESSION budgets apply to scope type session only",
                "budget.default.user.DAY|ten|Invalid value ten for configuration budget.default.user.DAY: must be a decimal amount in USD such as 10.00",
                "budget.default.user.DAY|0|Invalid value 0 for configuration budget.default.user.DAY: must be a positive amount in USD",
                "budget.default.user|10|Invalid value 10 for configuration budget.default.user: expected budget.default.TYPE.PERIOD, e.g. budget.default.user.DAY",
                // a trailing dot was read as budget.default.user.DAY (String.split drops the empty last part)
                "budget.default.user.DAY.|10|Invalid value 10 for configuration budget.default.user.DAY.: expected budget.default.TYPE.PERIOD, e.g. budget.default.user.DAY",
            })
    void aBadValueNamesItsKey(String key, String value, String message) {
        assertThatThrownBy(() -> ProcessorConfig.of(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void defaultBudgetsAreReadPerScopeTypeAndPeriod() {
        ProcessorConfig c =
                ProcessorConfig.of(Map.of("budget.default.user.DAY", "10", "budget.default.session.SESSION", "2.50"));
        assertThat(c.budgetDefaults())
                .isEqualTo(Map.of(
                        ScopeType.USER, Map.of(Period.DAY, new BigDecimal("10")),
                        ScopeType.SESSION, Map.of(Period.SESSION, new BigDecimal("2.50"))));
    }

    @Test
    void kafkaPrefixedKeysBecomeClientOverrides() {
        ProcessorConfig c =
                ProcessorConfig.of(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.commit.interval.ms", "200"));
        assertThat(c.kafkaOverrides()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "commit.interval.ms", "200"));
    }
}
