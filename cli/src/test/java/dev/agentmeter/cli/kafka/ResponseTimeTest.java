package dev.agentmeter.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code track --response-time} speaks seconds, as capture-agent-usage.sh does, and milliseconds with a suffix. */
class ResponseTimeTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "2.5, 2500",
        "2.5s, 2500",
        "2500ms, 2500",
        "3, 3000",
        "0.0004, 0",
        "0.0005, 1",
        "12.3456, 12346",
        "750 ms, 750"
    })
    void secondsByDefaultMillisecondsWithTheSuffix(String text, long millis) {
        assertThat(TrackCommand.parseResponseTime(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1", "2.5h", "", "1e400000000000"})
    void anythingElseIsRefused(String text) {
        assertThatThrownBy(() -> TrackCommand.parseResponseTime(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
