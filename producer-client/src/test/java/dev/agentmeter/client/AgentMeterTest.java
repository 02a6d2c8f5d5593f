package dev.agentmeter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMeterTest {

    @TempDir
    Path spoolDir;

    @AfterEach
    void reset() {
        AgentMeter.reset();
    }

    @Test
    void beforeConfigureEventsAreCountedAndIgnored() {
        assertThat(AgentMeter.track(
                        UsageEvent.builder().model("m").usage(Usage.of(1, 1)).build()))
                .isNull();
        assertThat(AgentMeter.trackApi("svc", null, 200, null, null)).isNull();
        assertThat(AgentMeter.unconfiguredCount()).isEqualTo(2);
    }

    @Test
    void configuredTrackerReceivesGlobalEventsAndResetForgetsIt() {
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(TrackerTestSupport.deadBootstrap())
                .spoolDirectory(spoolDir)
                .replayProbeInterval(Duration.ofMinutes(10))
                .closeTimeout(Duration.ofSeconds(2))
                .build()) {
            AgentMeter.configure(tracker);
            assertThat(AgentMeter.tracker()).isSameAs(tracker);
            assertThat(AgentMeter.track(UsageEvent.builder()
                            .model("m")
                            .usage(Usage.of(1, 1))
                            .build()))
                    .hasSize(36);
            assertThat(tracker.metrics().trackedCount()).isEqualTo(1);

            AgentMeter.reset();
            assertThat(AgentMeter.tracker()).isNull();
            assertThat(AgentMeter.track(UsageEvent.builder()
                            .model("m")
                            .usage(Usage.of(1, 1))
                            .build()))
                    .isNull();
            assertThat(tracker.metrics().trackedCount()).isEqualTo(1);
        }
    }
}
