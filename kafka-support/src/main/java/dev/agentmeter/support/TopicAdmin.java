package dev.agentmeter.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Create-if-absent and partition counts for topics: the same code for the embedded broker, a real cluster, the processor and the CLI. */
public final class TopicAdmin {

    private TopicAdmin() {}

    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void createTopics(String bootstrapServers, NewTopic... topics) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), List.of(topics));
    }

    /** As above, with full client settings (SASL/SSL) in {@code clientProps}. */
    public static void createTopics(Map<String, Object> clientProps, List<NewTopic> topics) {
        String bootstrapServers = String.valueOf(clientProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(clientProps)) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics on " + bootstrapServers, e);
        }
    }

    /** The number of partitions of {@code topic}; fails naming the topic when it does not exist. */
    public static int partitions(Map<String, Object> clientProps, String topic) {
        try (Admin admin = Admin.create(clientProps)) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("topic " + topic + " does not exist", e.getCause());
            }
            throw new IllegalStateException("cannot describe topic " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "timed out describing topic " + topic + " on "
                            + clientProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
                    e);
        }
    }
}
