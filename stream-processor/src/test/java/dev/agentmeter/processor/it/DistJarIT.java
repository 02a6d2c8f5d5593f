package dev.agentmeter.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.processor.ProcessorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar a deployment runs ({@code target/stream-processor-*-all.jar}), started as
 * {@code java -jar jar config.properties} with nothing else on the class path: the merged service
 * files, the manifest's main class and RocksDB's natives must all be in it.
 */
class DistJarIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path work;

    @Test
    void theShadedJarRunsTheProcessorFromAPropertiesFile() throws Exception {
        String prefix = kafka.uniqueTopic("dist");
        int port = FreePorts.next();
        Properties p = new Properties();
        p.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.setProperty(ProcessorConfig.APPLICATION_ID, "dist-" + prefix);
        p.setProperty(ProcessorConfig.STATE_DIR, work.resolve("state").toString());
        p.setProperty(ProcessorConfig.HTTP_PORT, Integer.toString(port));
        for (String key : List.of(
                ProcessorConfig.TOPIC_RAW,
                ProcessorConfig.TOPIC_PRICED,
                ProcessorConfig.TOPIC_REJECTED,
                ProcessorConfig.TOPIC_PRICES,
                ProcessorConfig.TOPIC_BUDGETS,
                ProcessorConfig.TOPIC_ALERTS)) {
            p.setProperty(key, prefix + "." + key);
        }
        Path config = work.resolve("processor.properties");
        try (var out = Files.newOutputStream(config)) {
            p.store(out, "DistJarIT");
        }

        Path log = work.resolve("processor.log");
        Process process = start(config, log);
        try {
            awaitHealthy(process, port, log);

            Instant at = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                events.add(UsageEvent.builder()
                        .eventId("dist-" + i)
                        .timestamp(at)
                        .agent("a")
                        .userId("u")
                        .model("gpt-4o")
                        .usage(Usage.of(400_000, 0))
                        .build()); // 0.4 MTok at $2.5 = $1
            }
            Sends.events(kafka.bootstrapServers(), prefix + "." + ProcessorConfig.TOPIC_RAW, events);
            Http.awaitSpend(port, "/v1/spend/global/*?period=DAY&at=" + at, "3");

            Http.Reply price = Http.get(port, "/v1/prices/gpt-4o-2024-08-06");
            assertThat(price.status()).isEqualTo(200);
            assertThat(price.json().get("modelKey").asText()).isEqualTo("gpt-4o");
            assertThat(price.json().get("price").get("inputPerMTok").asText()).isEqualTo("2.5");
            assertThat(Http.get(port, "/metrics").body())
                    .contains(
                            "agentmeter_processor_priced_total{model=\"gpt-4o\",provider=\"unknown\",source=\"catalog\"} 3.0");
            assertThat(Files.readString(log))
                    .as("a logging backend is in the jar")
                    .contains("State transition from REBALANCING to RUNNING")
                    .doesNotContain("NOP");
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aBadValueStopsTheJarNamingTheKey() throws Exception {
        Path config = Files.writeString(work.resolve("bad.properties"), "grace=an hour\n");
        Path log = work.resolve("bad.log");

        Process process = start(config, log);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains("agentmeter processor: bad configuration: Invalid value an hour for"
                        + " configuration grace: must be an ISO-8601 duration such as PT1H or P7D");
    }

    @Test
    void aNetworkAddressWithoutATokenStopsTheJarNamingTheKey() throws Exception {
        Path config = Files.writeString(work.resolve("open.properties"), "http.bind.address=0.0.0.0\n");
        Path log = work.resolve("open.log");

        Process process = start(config, log);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains(
                        "agentmeter processor: bad configuration: Invalid value 0.0.0.0 for"
                                + " configuration http.bind.address: this address is reachable from other hosts and no token is set");
    }

    private static Process start(Path config, Path log) throws IOException {
        Path jar = Path.of(System.getProperty("agentmeter.dist.jar", "target/stream-processor-all.jar"));
        assertThat(jar).as("built by mvn package").exists();
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-jar",
                        jar.toString(),
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // AGENTMETER_* variables are configuration too (ProcessorMain): only the file counts here.
        builder.environment().keySet().removeIf(k -> k.startsWith("AGENTMETER_"));
        return builder.start();
    }

    /** Waits for /health to answer 200 (RUNNING); fails at once if the process exits. */
    private static void awaitHealthy(Process process, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                Http.Reply health = Http.get(port, "/health");
                if (health.status() == 200) {
                    assertThat(health.json().get("status").asText()).isEqualTo("RUNNING");
                    return;
                }
                last = health.status() + " " + health.body();
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            }
            LockSupport.parkNanos(200_000_000);
        }
        throw new AssertionError("not healthy after 120 s (last: " + last + "):\n" + Files.readString(log));
    }
}
