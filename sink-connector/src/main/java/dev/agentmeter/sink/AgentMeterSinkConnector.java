package dev.agentmeter.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink for agentmeter: {@code agentmeter.usage.priced} into {@code agent_usage} and
 * {@code agentmeter.budget-alerts} into {@code budget_alerts}, one row per eventId / alertId.
 * Thin on purpose: config in {@link SinkConfig}, the work in {@link AgentMeterSinkTask}.
 */
public class AgentMeterSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new SinkConfig(props); // fail fast, naming the key
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return AgentMeterSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return SinkConfig.DEFINITION;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
