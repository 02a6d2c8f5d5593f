package dev.agentmeter.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.support.TopicAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code up --prices-from}: one scheduled run against a real broker, and a run on a bad document. */
class PriceImportScheduleIT {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void aRunPublishesTheNewModelsAndARunOnABadDocumentPublishesNothing() throws Exception {
        Path good = dir.resolve("data.json");
        Files.writeString(
                good,
                "[{\"id\": \"openai\", \"name\": \"OpenAI\", \"models\": [{\"id\": \"omega-1\","
                        + " \"match\": {\"equals\": \"omega-1\"}, \"prices\": {\"input_mtok\": 0.4, \"output_mtok\": 1.6}}]}]");
        Path bad = dir.resolve("bad.json");
        Files.writeString(
                bad,
                "[{\"id\": \"openai\", \"name\": \"OpenAI\", \"models\": [{\"id\": \"omega-2\","
                        + " \"prices\": {\"input_mtok\": \"cheap\"}}]}]");
        StringWriter out = new StringWriter();
        TopicAdmin.createTopics(
                kafka.bootstrapServers(),
                new NewTopic(Topics.PRICES, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));

        String first = PriceImportSchedule.runOnce(kafka.bootstrapServers(), good.toString(), new PrintWriter(out));
        String second = PriceImportSchedule.runOnce(kafka.bootstrapServers(), bad.toString(), new PrintWriter(out));

        assertThat(first).isEqualTo("prices: genai-prices from " + good + ": 1 new, 0 changed, 1 published");
        assertThat(second)
                .isEqualTo("prices: import from " + bad + " failed, nothing published (next try in 24 h):"
                        + " openai/omega-2.input_mtok is not a number: 'cheap'");
        // A committed transaction becomes readable (read committed) once its markers are written, a few
        // milliseconds after commitTransaction returns: read again until it is, for at most 10 s.
        var topic = KafkaIo.readCompacted(kafka.bootstrapServers(), Topics.PRICES);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (topic.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000_000);
            topic = KafkaIo.readCompacted(kafka.bootstrapServers(), Topics.PRICES);
        }
        assertThat(topic).containsOnlyKeys("omega-1");
        assertThat(ContractJson.fromBytes(topic.get("omega-1"), ModelPrice.class)
                        .prices()
                        .get(0)
                        .outputPerMTok())
                .hasToString("1.6");
    }
}
