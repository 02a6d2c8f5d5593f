package dev.agentmeter.processor.topology;

import static dev.agentmeter.processor.topology.TopologyFixture.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Call;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Free text is cut, never a reason to reject a billable event; the priced record says so. */
class FreeTextTopologyTest {

    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void aTenThousandCharacterDescriptionIsPricedWithItsFirstFourThousandAndMarkedTruncated() {
        String description = "0123456789".repeat(1000);
        t.send(event("e3", "anthropic.claude-sonnet-4-5-20250929-v1:0", 1000, 500).toBuilder()
                .task(new Task("debug", null, description))
                .build());

        PricedUsage p = t.priced.readValue();
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("0.0105");
        assertThat(p.event().task().description()).isEqualTo(description.substring(0, 4000));
        assertThat(p.truncated()).isTrue();
        assertThat(t.rejected.isEmpty()).isTrue();
        assertThat(t.metrics.count("agentmeter.processor.truncated")).isEqualTo(1.0);
    }

    @Test
    void anEventWithinTheLimitsIsMarkedNotTruncated() {
        t.send(event("e3", "gpt-4o", 1000, 500));

        String json = new String(
                t.driver
                        .createOutputTopic(
                                t.config.pricedTopic(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readValue(),
                UTF_8);
        assertThat(json).endsWith(",\"truncated\":false}");
    }

    @Test
    void threeHundredAttributesKeepTheFirstSixtyFour() {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            attributes.put(String.format("a%03d", i), "v");
        }
        t.send(event("e3", "gpt-4o", 400_000, 0).toBuilder()
                .attributes(attributes)
                .build());

        PricedUsage p = t.priced.readValue();
        assertThat(p.event().attributes()).hasSize(64).containsKey("a063").doesNotContainKey("a064");
        assertThat(p.cost().totalUsd().toPlainString()).isEqualTo("1");
        assertThat(p.truncated()).isTrue();
    }

    @Test
    void nulInAnErrorMessageIsReplacedAndTheEventPriced() {
        String raw = ContractJson.toJson(event("e3", "gpt-4o", 400_000, 0).toBuilder()
                        .call(new Call("chat", null, 10L, "error", "boomXend", null))
                        .build())
                .replace("boomXend", "boom\\u0000end");
        t.sendBytes("e3", raw);

        PricedUsage p = t.priced.readValue();
        assertThat(p.event().call().errorMessage()).isEqualTo("boom\uFFFDend");
        assertThat(p.truncated()).isFalse();
        assertThat(t.metrics.count("agentmeter.processor.replaced.characters")).isEqualTo(1.0);
    }

    @Test
    void anEventItsSenderCutStaysMarkedTruncatedOnce() {
        UsageEvent cut =
                event("e3", "gpt-4o", 400_000, 0).toBuilder().truncated(true).build();
        t.send(cut);

        String json = new String(
                t.driver
                        .createOutputTopic(
                                t.config.pricedTopic(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readValue(),
                UTF_8);
        assertThat(json).endsWith(",\"truncated\":true}").containsOnlyOnce("\"truncated\"");
        assertThat(t.metrics.count("agentmeter.processor.truncated")).isEqualTo(0.0);
    }

    @Test
    void anIdentifierHoldingNulIsRejectedNamingIt() {
        t.sendBytes(null, ContractJson.toJson(event("e3", "gpt-4o", 1, 1)).replace("\"alice\"", "\"ali\\u0000ce\""));

        assertThat(new String(
                        t.rejected
                                .readRecord()
                                .headers()
                                .lastHeader("agentmeter.error.field")
                                .value(),
                        UTF_8))
                .isEqualTo("userId");
        assertThat(t.priced.isEmpty()).isTrue();
    }
}
