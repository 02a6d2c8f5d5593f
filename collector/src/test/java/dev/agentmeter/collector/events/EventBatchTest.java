package dev.agentmeter.collector.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {

    private final UsageEventParser parser = new UsageEventParser(new UsageEventValidator());

    private static String event(String id, long input) {
        return "{\"schemaVersion\":1,\"eventId\":\"" + id
                + "\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"kind\":\"llm\","
                + "\"agent\":\"bot\",\"model\":\"gpt-4o\",\"usage\":{\"inputTokens\":" + input
                + ",\"outputTokens\":5}}";
    }

    private List<EventBatch.Item> parse(String body, boolean ndjson) {
        return EventBatch.parse(body.getBytes(UTF_8), ndjson, parser, 3, "req-1");
    }

    @Test
    void anArrayIsSplitIntoItsEventsAndABadOneIsRejectedAlone() {
        List<EventBatch.Item> items =
                parse("[" + event("a", 10) + ", " + event("b", -1) + ",\n" + event("c", 30) + "]", false);

        assertThat(items)
                .extracting(i -> i.valid() ? i.event().eventId() : "rejected")
                .containsExactly("a", "rejected", "c");
        assertThat(items.get(1).violations())
                .extracting(Violation::field, Violation::message)
                .containsExactly(tuple(
                        "usage.inputTokens", "usage.inputTokens is -1; token counts and durations cannot be negative"));
    }

    @Test
    void oneObjectIsABatchOfOne() {
        assertThat(parse(event("a", 10), false))
                .extracting(i -> i.event().eventId())
                .containsExactly("a");
    }

    @Test
    void ndjsonIsSplitAtLineBreaksSkippingBlankLines() {
        List<EventBatch.Item> items = parse(event("a", 10) + "\r\n\n" + event("b", 20) + "\n", true);

        assertThat(items).extracting(i -> i.event().eventId()).containsExactly("a", "b");
    }

    @Test
    void aMissingEventIdIsTheRequestsIdBaseAndTheIndexAndAMissingTimestampIsFilled() {
        String noId = "{\"schemaVersion\":1,\"kind\":\"llm\",\"agent\":\"bot\",\"model\":\"gpt-4o\","
                + "\"usage\":{\"inputTokens\":1,\"outputTokens\":1}}";
        List<EventBatch.Item> items = parse("[" + event("a", 10) + "," + noId + "]", false);

        assertThat(items.get(1).event().eventId()).isEqualTo("req-1:1");
        assertThat(items.get(1).event().timestamp()).isNotNull();
    }

    @Test
    void notJsonIsRefusedAs400() {
        assertThatThrownBy(() -> parse("hello", false))
                .isInstanceOf(EventBatch.Refused.class)
                .satisfies(e -> assertThat(((EventBatch.Refused) e).status()).isEqualTo(400))
                .hasMessageStartingWith("the body is not JSON: ");
    }

    @Test
    void ndjsonWithNoJsonLineIsRefusedAs400() {
        assertThatThrownBy(() -> parse("a\nb\n", true))
                .isInstanceOf(EventBatch.Refused.class)
                .hasMessage("no line of the body is JSON: send one UsageEvent JSON object per line");
    }

    @Test
    void moreEventsThanAllowedAre413() {
        assertThatThrownBy(() -> parse(
                        "[" + event("a", 1) + "," + event("b", 1) + "," + event("c", 1) + "," + event("d", 1) + "]",
                        false))
                .isInstanceOf(EventBatch.Refused.class)
                .satisfies(e -> assertThat(((EventBatch.Refused) e).status()).isEqualTo(413))
                .hasMessage("more than 3 events in one request; send them in batches");
    }

    @Test
    void aLongDescriptionIsCutNotRejected() {
        String e =
                event("a", 10).replace("\"kind\"", "\"task\":{\"description\":\"" + "x".repeat(5000) + "\"},\"kind\"");

        EventBatch.Item item = parse("[" + e + "]", false).get(0);

        assertThat(item.event().task().description()).hasSize(4000);
        assertThat(item.event().truncated()).isTrue();
    }
}
