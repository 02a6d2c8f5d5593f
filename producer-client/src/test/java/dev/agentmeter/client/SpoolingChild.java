package dev.agentmeter.client;

import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link UsageTrackerIT}: tracks events while Kafka is unreachable, flushes
 * (so they are fsynced in the spool), reports their ids, then waits to be killed with SIGKILL.
 * Args: spoolDir bootstrap count idsFile.
 */
public final class SpoolingChild {

    private SpoolingChild() {}

    public static void main(String[] args) throws Exception {
        UsageTracker tracker = UsageTracker.builder()
                .spoolDirectory(Path.of(args[0]))
                .bootstrapServers(args[1])
                .replayProbeInterval(Duration.ofHours(1))
                .agent("child")
                .build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            ids.add(tracker.track(
                    UsageEvent.builder().model("gpt-4o").usage(Usage.of(10, 1)).build()));
        }
        if (!tracker.flush(Duration.ofSeconds(60))) {
            System.out.println("FLUSH-FAILED");
            System.exit(2);
        }
        Files.write(Path.of(args[3]), ids);
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGKILL
    }
}
