package dev.agentmeter.embedded;

import dev.agentmeter.support.TopicAdmin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one process) running inside this JVM: the
 * real broker from the Kafka artifacts, not a mock. Ports and the log directory stay fixed for the
 * object's life, so {@link #stop()} and {@link #start()} simulate a broker outage and recovery with
 * the data intact. {@link #close()} stops it and deletes the data.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final boolean ownsLogDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;
    private boolean formatted;

    private EmbeddedKafka(
            Path logDir, boolean ownsLogDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.overrides = Map.copyOf(overrides);
        this.formatted = Files.exists(logDir.resolve("meta.properties"));
    }

    /** A broker on free loopback ports with a temporary log directory (deleted by close); call start(). */
    public static EmbeddedKafka temporary(Map<String, String> brokerOverrides) {
        return new EmbeddedKafka(
                Dirs.temp("agentmeter-kafka-"), true, FreePorts.next(), FreePorts.next(), brokerOverrides);
    }

    public static EmbeddedKafka temporary() {
        return temporary(Map.of());
    }

    /**
     * A broker whose data lives in {@code logDir} and survives the process (the local mode): the
     * directory is formatted on first use and reused afterwards.
     */
    public static EmbeddedKafka persistent(Path logDir, int brokerPort, Map<String, String> brokerOverrides) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        return new EmbeddedKafka(logDir, false, brokerPort, FreePorts.next(), brokerOverrides);
    }

    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Starts the broker (formatting the log directory the first time) and waits until it answers. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        Map<String, String> config = config();
        if (!formatted) {
            format(config);
            formatted = true;
        }
        server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        server.startup();
        awaitReady();
        log.info(
                "Embedded Kafka up at {} in {} ms (data in {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                logDir);
        return this;
    }

    /** Stops the broker, keeping its data; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Embedded Kafka at {} stopped", bootstrapServers());
    }

    @Override
    public synchronized void close() {
        stop();
        if (ownsLogDir) {
            Dirs.deleteRecursively(logDir);
        }
    }

    /** Creates topics that do not exist yet; existing ones are left as they are. */
    public void createTopics(NewTopic... topics) {
        TopicAdmin.createTopics(bootstrapServers(), topics);
    }

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        c.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("log.dirs", logDir.toString());
        // One node: every internal topic has one replica, and fewer partitions start faster on 2 cores.
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("num.partitions", "1");
        c.put("auto.create.topics.enable", "false");
        c.putAll(overrides);
        return c;
    }

    private void format(Map<String, String> config) {
        Path props = logDir.resolve("server.properties.format");
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
            p.store(w, "written by EmbeddedKafka to format the log directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + props, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Transaction version 1: with version 2 (the 4.3 default) this single-node broker answered
        // exactly-once Streams producers with OutOfOrderSequenceException on repartition and
        // changelog partitions ("transactions v2 idempotent producer with no existing state").
        String[] args = {
            "format",
            "-t",
            Uuid.randomUuid().toString(),
            "-c",
            props.toString(),
            "--ignore-formatted",
            "--feature",
            "transaction.version=1"
        };
        int rc = StorageTool.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting " + logDir + " failed (" + Arrays.toString(args) + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = TopicAdmin.admin(bootstrapServers())) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka at " + bootstrapServers() + " did not become ready in "
                                        + READY_TIMEOUT.toSeconds() + " s",
                                e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }
}
