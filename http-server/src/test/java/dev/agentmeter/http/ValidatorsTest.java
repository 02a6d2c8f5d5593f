package dev.agentmeter.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ValidatorsTest {

    @Test
    void aPositiveDurationRefusesZeroNegativeAndProse() {
        assertThatCode(() -> Validators.positiveDuration().ensureValid("k", "PT2S"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Validators.positiveDuration().ensureValid("k", "PT0S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value PT0S for configuration k: must be positive");
        assertThatThrownBy(() -> Validators.positiveDuration().ensureValid("k", "-PT1S"))
                .hasMessageEndingWith("must be positive");
        assertThatThrownBy(() -> Validators.positiveDuration().ensureValid("k", "two seconds"))
                .hasMessage(
                        "Invalid value two seconds for configuration k: must be an ISO-8601 duration such as PT1H or P7D");
    }

    @Test
    void aNonNegativeDurationTakesZero() {
        assertThatCode(() -> Validators.nonNegativeDuration().ensureValid("k", "PT0S"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Validators.nonNegativeDuration().ensureValid("k", "-P1D"))
                .hasMessageEndingWith("must not be negative");
    }

    @Test
    void aZoneIsAnIdNotAPlace() {
        assertThatCode(() -> Validators.zoneId().ensureValid("zone", "Europe/Berlin"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Validators.zoneId().ensureValid("zone", "Mars/Olympus"))
                .hasMessage(
                        "Invalid value Mars/Olympus for configuration zone: must be a time-zone id such as UTC or Europe/Berlin");
    }
}
