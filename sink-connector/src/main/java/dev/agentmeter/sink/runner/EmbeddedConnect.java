package dev.agentmeter.sink.runner;

import dev.agentmeter.model.Topics;
import dev.agentmeter.sink.AgentMeterSinkConnector;
import dev.agentmeter.sink.SinkConfig;
import dev.agentmeter.support.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * Kafka Connect's standalone runtime (Worker + StandaloneHerder + REST) inside this JVM, running
 * the same {@link AgentMeterSinkConnector} a Connect cluster would. Used by {@code agentmeter up}
 * and the integration tests. Needs {@code connect-runtime} on the class path.
 */
public final class EmbeddedConnect implements AutoCloseable {

    /** Default dead-letter topic for records the sink cannot store. */
    public static final String DEAD_LETTER_TOPIC = Topics.SINK_DLQ;

    private final Connect<StandaloneHerder> connect;

    private EmbeddedConnect(Connect<StandaloneHerder> connect) {
        this.connect = connect;
    }

    /**
     * Starts a standalone worker. {@code workerOverrides} go on top of the defaults (e.g.
     * {@code consumer.max.poll.records}, security settings with the {@code consumer.} prefix).
     */
    public static EmbeddedConnect start(
            String bootstrapServers, Path offsetsFile, Map<String, String> workerOverrides) {
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", bootstrapServers);
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        // Sink offsets live in Kafka's consumer group; the file only holds source offsets (none here).
        worker.put("offset.storage.file.filename", offsetsFile.toString());
        worker.put("offset.flush.interval.ms", "5000");
        worker.put("listeners", "http://127.0.0.1:0");
        // Our connector and Kafka's converters declare themselves via ServiceLoader manifests:
        // no reflective scan of the whole class path at start.
        worker.put("plugin.discovery", "service_load");
        // The processor writes in transactions: never store a record of an aborted one.
        worker.put("consumer.isolation.level", "read_committed");
        worker.putAll(workerOverrides);
        // Created up front: Connect would create it on the first bad record, logging an error first.
        TopicAdmin.createTopics(bootstrapServers, new NewTopic(DEAD_LETTER_TOPIC, 1, (short) 1));
        return new EmbeddedConnect(new ConnectStandalone().startConnect(worker));
    }

    /**
     * The sink's connector config for this runtime: both contract topics, bytes in, bad records to
     * {@link #DEAD_LETTER_TOPIC} with the reason in the {@code __connect.errors.*} headers.
     */
    public static Map<String, String> sinkConfig(String pgUrl, String user, String password, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", AgentMeterSinkConnector.class.getName());
        config.put("tasks.max", Integer.toString(tasks));
        config.put("topics", Topics.USAGE_PRICED + "," + Topics.BUDGET_ALERTS);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("errors.tolerance", "all");
        config.put("errors.log.enable", "true");
        config.put("errors.deadletterqueue.topic.name", DEAD_LETTER_TOPIC);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        config.put(SinkConfig.CONNECTION_URL, pgUrl);
        if (user != null) {
            config.put(SinkConfig.CONNECTION_USER, user);
        }
        if (password != null) {
            config.put(SinkConfig.CONNECTION_PASSWORD, password);
        }
        return config;
    }

    /** Creates or replaces a connector and waits until the herder accepted it. */
    public void putConnector(String name, Map<String, String> config) {
        Map<String, String> named = new HashMap<>(config);
        named.put("name", name);
        FutureCallback<Object> done = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, named, true, (error, result) -> done.onCompletion(error, result));
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating connector " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("connector " + name + " was not accepted: " + e.getMessage(), e);
        }
    }

    public ConnectorStateInfo status(String name) {
        return connect.herder().connectorStatus(name);
    }

    /** Waits until the connector and all its tasks are RUNNING; fails with the trace of a FAILED one. */
    public void awaitRunning(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ConnectorStateInfo info = status(name);
                for (ConnectorStateInfo.TaskState task : info.tasks()) {
                    if ("FAILED".equals(task.state())) {
                        throw new IllegalStateException("task " + name + "-" + task.id() + " failed: " + task.trace());
                    }
                }
                if ("RUNNING".equals(info.connector().state())
                        && !info.tasks().isEmpty()
                        && info.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))) {
                    return;
                }
            } catch (NotFoundException notYet) {
                // created asynchronously
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("connector " + name + " not running after " + timeout + ": " + status(name));
    }

    public String restUrl() {
        return connect.rest().serverUrl().toString();
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
