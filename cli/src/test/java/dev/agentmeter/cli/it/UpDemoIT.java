package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.FreePorts;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, for 20 seconds: every demo event lands in Postgres and the demo budget alerts. */
class UpDemoIT {

    private static final Pattern PROGRESS = Pattern.compile(
            " {2}([\\d,]+) events \\(\\d+/s\\) · spend today \\$([\\d.?]+) · (\\d+) alerts · ([\\d,]+) rows in Postgres\\s*");

    @Test
    void upDemoRunsThePipelineLandsEveryEventAndCrossesTheDemoBudget(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path data) throws Exception { // kept for its logs if it fails
        int dashboardPort = FreePorts.next();
        Cli result = Cli.run(
                "up",
                "--demo",
                "--duration",
                "20s",
                "--seed",
                "7",
                "--rate",
                "50",
                "--data-dir",
                data.toString(),
                "--kafka-port",
                Integer.toString(FreePorts.next()),
                "--pg-port",
                Integer.toString(FreePorts.next()),
                "--http-port",
                Integer.toString(FreePorts.next()),
                "--collector-port",
                Integer.toString(FreePorts.next()),
                "--dashboard-port",
                Integer.toString(dashboardPort));

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> progress =
                result.out().lines().filter(l -> PROGRESS.matcher(l).matches()).toList();
        Matcher last = PROGRESS.matcher(progress.get(progress.size() - 1));
        assertThat(last.matches()).isTrue();
        long events = Long.parseLong(last.group(1).replace(",", ""));
        assertThat(events).isBetween(800L, 1100L); // 20 s at 50/s
        assertThat(last.group(4).replace(",", "")).isEqualTo(Long.toString(events));
        // The demo user's $0.50/day budget is crossed at 50 %, 80 % and 100 %; the larger budgets are not.
        assertThat(last.group(3)).isEqualTo("3");
        assertThat(result.out())
                .contains("  dashboard: http://localhost:" + dashboardPort + "/\n")
                .contains("interactions         " + events + " (")
                .containsPattern("user:demo-\\d{6} +DAY +\\$[\\d.]+ +\\$0\\.50 +\\d+\\.\\d%")
                .endsWith(
                        "stopped; nothing in flight was lost: what was sent is in Kafka and resumes on the next `up`\n");
    }
}
