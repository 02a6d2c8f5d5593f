package dev.agentmeter.bench;

import dev.agentmeter.processor.ProcessorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The stream processor in a JVM of its own ({@code ProcessorMain}): a kill is a real SIGKILL, and
 * its CPU time and memory can be read apart from the broker's.
 */
final class ProcessorProcess {

    private final Process process;
    private final Path log;
    private final int httpPort;

    private ProcessorProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Writes the properties file the processes of one run share (same app id and state directory). */
    static Path config(Path work, String bootstrap, String applicationId, int httpPort, Map<String, String> extra)
            throws IOException {
        Properties p = new Properties();
        p.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        p.setProperty(ProcessorConfig.APPLICATION_ID, applicationId);
        p.setProperty(ProcessorConfig.STATE_DIR, work.resolve("state").toString());
        p.setProperty(ProcessorConfig.HTTP_PORT, Integer.toString(httpPort));
        p.setProperty(ProcessorConfig.TOPIC_PARTITIONS, "3");
        p.setProperty(ProcessorConfig.TOPIC_REPLICATION, "1");
        extra.forEach(p::setProperty);
        Path file = work.resolve("processor.properties");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "agentmeter processor");
        }
        return file;
    }

    static ProcessorProcess start(Path config, Path log, int httpPort, String maxHeap) throws IOException {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + maxHeap,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.agentmeter.processor.ProcessorMain",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ProcessorProcess(process, log, httpPort);
    }

    /** Waits for ProcessorMain's RUNNING line. */
    void awaitRunning(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("agentmeter processor RUNNING")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("processor exited; see " + log);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("processor not RUNNING after " + timeout + "; see " + log);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** CPU seconds (user + system) the process used so far, from /proc (Linux). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks / 100.0; // USER_HZ
    }

    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    /** Heap in use, from the processor's own /metrics (Micrometer's JVM memory binder). */
    long heapUsedBytes() throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double heap = 0;
        for (String line : metrics.split("\n", -1)) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) heap;
    }
}
