package dev.agentmeter.embedded;

import dev.agentmeter.support.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a real Kafka: the in-JVM KRaft broker by default, or the
 * cluster named by {@value #ENV} (bootstrap servers). Register it as a static field:
 * {@code @RegisterExtension static final KafkaExtension kafka = new KafkaExtension();}
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String ENV = "AGENTMETER_TEST_KAFKA";

    private final Map<String, String> brokerOverrides;
    private EmbeddedKafka embedded;
    private String external;

    public KafkaExtension() {
        this(Map.of());
    }

    public KafkaExtension(Map<String, String> brokerOverrides) {
        this.brokerOverrides = brokerOverrides;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            external = env.trim();
        } else {
            embedded = EmbeddedKafka.temporary(brokerOverrides).start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    public String bootstrapServers() {
        return external != null ? external : embedded.bootstrapServers();
    }

    /** A topic name no earlier run used, so tests stay independent on a shared external cluster. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public void createTopics(NewTopic... topics) {
        TopicAdmin.createTopics(bootstrapServers(), topics);
    }

    /** Waits until {@code group} has committed the end of every partition of {@code topics}. */
    public void awaitCaughtUp(String group, Duration timeout, String... topics) throws InterruptedException {
        ConsumerGroups.awaitCaughtUp(bootstrapServers(), group, timeout, topics);
    }

    /** Stops the broker (data kept). Skips the calling test when the broker is external. */
    public void stopBroker() {
        brokerUnderOurControl().stop();
    }

    public void startBroker() {
        brokerUnderOurControl().start();
    }

    private EmbeddedKafka brokerUnderOurControl() {
        Assumptions.assumeTrue(embedded != null, "stopping the broker needs the embedded broker, not " + ENV);
        return embedded;
    }
}
