package dev.agentmeter.notifier;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}, which {@code .ci/run}
 * installs) on a free loopback port, routing every alert to a webhook. Absent, the tests skip,
 * unless {@code AGENTMETER_REQUIRE_ALERTMANAGER=1} (CI) makes that a failure.
 */
public final class Alertmanagers implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private final Process process;
    public final String url;

    private Alertmanagers(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    public static Alertmanagers start(Path dir, int port, String receiverUrl) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            if ("1".equals(System.getenv("AGENTMETER_REQUIRE_ALERTMANAGER"))) {
                throw new IllegalStateException(BINARY + " is missing: apt-get install prometheus-alertmanager");
            }
            assumeTrue(false, BINARY + " is not installed");
        }
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: hook
                  group_by: [alertname, scope]
                  group_wait: 1s
                  group_interval: 2s
                  repeat_interval: 4h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                """.formatted(receiverUrl));
        Path log = dir.resolve("alertmanager.log");
        Process p = new ProcessBuilder(List.of(
                        BINARY.toString(),
                        "--config.file=" + config,
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return new Alertmanagers(p, url);
                }
            } catch (IOException notYet) {
                // starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("alertmanager exited: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("alertmanager not ready within 30 s: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
