package dev.agentmeter.cli.kafka;

import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.up.TrafficGenerator;
import dev.agentmeter.client.UsageTracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Synthetic load through the real producer client (the benchmarks use it). */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Generate synthetic usage events.")
public final class LoadCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--events",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Events to send (default ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--rate",
            defaultValue = "0",
            paramLabel = "PER_SECOND",
            description = "Target events/s; 0 = as fast as possible (default).")
    int rate;

    @Option(names = "--users", defaultValue = "50", description = "Distinct users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(
            names = "--spool-dir",
            defaultValue = "${sys:user.home}/.agentmeter/spool-load",
            description = "Where events wait while Kafka is unreachable (default ${DEFAULT-VALUE}).")
    Path spool;

    @Override
    public void run() {
        if (events <= 0 || rate < 0 || users <= 0) {
            throw new ParameterException(spec.commandLine(), "--events and --users must be positive, --rate 0 or more");
        }
        TrafficGenerator traffic = new TrafficGenerator(seed, users);
        long start = System.nanoTime();
        try (UsageTracker tracker = UsageTracker.builder()
                .bootstrapServers(endpoints.kafka)
                .agent("load")
                .spoolDirectory(spool)
                .closeTimeout(Duration.ofSeconds(60))
                .build()) {
            for (long i = 0; i < events; i++) {
                if (rate > 0) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                tracker.track(traffic.next(Instant.now()));
            }
            tracker.flush(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "sent %d events in %.1f s (%.0f events/s); sent=%d spooled=%d dropped=%d%n",
                            events,
                            seconds,
                            events / seconds,
                            tracker.metrics().sentCount(),
                            tracker.metrics().spooledCount(),
                            tracker.metrics().droppedCount());
        }
    }
}
