package dev.agentmeter.cli.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.cli.Cli;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20 end to end, on a real broker, processor, Connect sink and PostgreSQL: billable events
 * are never lost to long text, an eventId is one event, and rejected records can be re-driven.
 * gpt-4o costs $2.50 in and $10 out per million tokens: 1,000 in and 500 out cost $0.0075.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NothingLostIT {

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("nothing_lost_it");

    private static UsageEvent event(String id, String user, Instant at) {
        return UsageEvent.builder()
                .eventId(id)
                .timestamp(at)
                .agent("nothing-lost")
                .userId(user)
                .sessionId("s-" + id)
                .model("gpt-4o")
                .provider("openai")
                .usage(Usage.of(1000, 500))
                .build();
    }

    /** Publishes the events as raw bytes, each with the given record key (null: its eventId). */
    private static void produce(List<String> keys, List<UsageEvent> events) {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String key = keys.get(i) == null ? events.get(i).eventId() : keys.get(i);
            records.add(Map.entry(key, ContractJson.toBytes(events.get(i))));
        }
        Sends.records(pipeline.bootstrapServers(), Topics.USAGE_RAW, records);
    }

    private static void produce(UsageEvent... events) {
        Sends.events(pipeline.bootstrapServers(), Topics.USAGE_RAW, List.of(events));
    }

    @Test
    @Order(1)
    void longTextIsCutAndEveryEventLandsWithItsExactCost() throws Exception {
        Instant at = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
        String description = "0123456789".repeat(1000);
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            attributes.put(String.format("a%03d", i), "v" + i);
        }
        produce(
                event("long-description", "lt", at).toBuilder()
                        .task(new Task("debug", null, description))
                        .build(),
                event("long-error", "lt", at).toBuilder()
                        .call(new Call("chat", "stop", 10L, "error", "e".repeat(5000), null))
                        .build(),
                event("many-attributes", "lt", at).toBuilder()
                        .attributes(attributes)
                        .build(),
                event("emoji-description", "lt", at).toBuilder()
                        .task(new Task(null, null, "😀".repeat(4001)))
                        .build(),
                event("nul-description", "lt", at).toBuilder()
                        .task(new Task(null, null, "a\u0000b"))
                        .build());

        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || truncated || ' ' || (task_description = repeat('0123456789', 400))"
                                + " FROM agent_usage WHERE event_id = 'long-description'"))
                .isEqualTo("0.0075 true true");
        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || truncated || ' ' || (error_message = repeat('e', 4000))"
                                + " FROM agent_usage WHERE event_id = 'long-error'"))
                .isEqualTo("0.0075 true true");
        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || truncated || ' ' || (SELECT count(*) FROM jsonb_object_keys("
                                + "attributes)) || ' ' || (attributes ? 'a063') || ' ' || (attributes ? 'a064') FROM agent_usage"
                                + " WHERE event_id = 'many-attributes'"))
                .isEqualTo("0.0075 true 64 true false");
        assertThat(
                        pipeline.awaitRow(
                                "SELECT total_cost_usd || ' ' || truncated || ' ' || char_length(task_description) || ' '"
                                        + " || (task_description = repeat('😀', 4000)) FROM agent_usage WHERE event_id = 'emoji-description'"))
                .isEqualTo("0.0075 true 4000 true");
        assertThat(pipeline.awaitRow(
                        "SELECT total_cost_usd || ' ' || truncated || ' ' || task_description FROM agent_usage"
                                + " WHERE event_id = 'nul-description'"))
                .isEqualTo("0.0075 false a\uFFFDb");
        assertThat(pipeline.awaitSpend("user/lt", at, "0.0375")).isEqualTo("0.0375");
    }

    @Test
    @Order(2)
    void oneEventIdIsOneEventWhateverItsTimestampAndKey() throws Exception {
        Instant at = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
        UsageEvent first = event("same-id", "dup", at);
        produce(
                Arrays.asList(null, "s-other", "s-same-id"),
                List.of(
                        first,
                        first.toBuilder().timestamp(at.plusSeconds(7)).build(),
                        first.toBuilder()
                                .timestamp(at.minusSeconds(60))
                                .sessionId("s-other")
                                .build()));
        produce(event("Case-1", "case", at), event("case-1", "case", at));

        assertThat(pipeline.awaitRow(
                        "SELECT count(*) FROM agent_usage WHERE event_id IN ('Case-1', 'case-1') HAVING count(*) = 2"))
                .isEqualTo("2");
        assertThat(pipeline.awaitSpend("user/dup", at, "0.0075")).isEqualTo("0.0075");
        assertThat(pipeline.awaitRow(
                        "SELECT count(*) || ' ' || sum(total_cost_usd) FROM agent_usage WHERE event_id = 'same-id'"))
                .isEqualTo("1 0.0075");
        assertThat(pipeline.awaitRow("SELECT occurred_at = '" + at + "' FROM agent_usage WHERE event_id = 'same-id'"))
                .as("the first copy wins")
                .isEqualTo("t");
    }

    @Test
    @Order(3)
    void aRejectedEventIsListedAndReplayedOnceItsCauseIsFixed() throws Exception {
        Instant tomorrow = Instant.now().plus(Duration.ofHours(30)).truncatedTo(ChronoUnit.MILLIS);
        produce(event("from-the-future", "future", tomorrow));

        JsonNode listed = awaitRejected();
        assertThat(listed.get("total").asInt()).isEqualTo(1);
        assertThat(listed.get("byReason").get(0).get("rule").asText()).isEqualTo("notInFuture");
        assertThat(listed.get("records").get(0).get("eventId").asText()).isEqualTo("from-the-future");

        Cli dry = cli("rejected", "replay", "--reason", "notInFuture", "--dry-run");
        assertThat(dry.out())
                .startsWith("dry run: would replay 1 record (1 to agentmeter.usage.raw); nothing was published\n");

        // The cause is fixed: this deployment accepts clocks up to two days ahead.
        pipeline.restart(Map.of("max.future.skew", "P2D"));

        Cli replay = cli("rejected", "replay", "--reason", "notInFuture");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).startsWith("replayed 1 record (1 to agentmeter.usage.raw)");
        assertThat(pipeline.awaitRow(
                        "SELECT count(*) || ' ' || total_cost_usd FROM agent_usage WHERE event_id = 'from-the-future'"
                                + " GROUP BY total_cost_usd"))
                .isEqualTo("1 0.0075");

        assertThat(cli("rejected", "replay", "--reason", "notInFuture").exitCode())
                .isZero();
        assertThat(pipeline.awaitMetric("agentmeter_processor_duplicates_total", "1.0"))
                .isEqualTo("1.0");
        assertThat(pipeline.awaitRow("SELECT count(*) FROM agent_usage WHERE event_id = 'from-the-future'"))
                .isEqualTo("1");
    }

    @Test
    @Order(4)
    void aRowPostgresRefusesIsListedInTheDeadLetterTopic() throws Exception {
        // Year 300000 is beyond timestamptz: the sink hands the record to its dead-letter topic.
        String priced = new String(ContractJson.toBytes(event("beyond-postgres", "dlq", Instant.now())), UTF_8)
                .replaceFirst("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"+300000-01-01T00:00:00Z\"");
        priced = priced.substring(0, priced.length() - 1) + ",\"pricing\":{\"source\":\"catalog\",\"currency\":\"USD\","
                + "\"longContext\":false},\"cost\":{\"inputUsd\":\"0\",\"outputUsd\":\"0\",\"cacheReadUsd\":\"0\","
                + "\"cacheWriteUsd\":\"0\",\"totalUsd\":\"0\"},\"pricedAt\":\"2026-12-01T00:00:00Z\",\"truncated\":false}";
        Sends.records(
                pipeline.bootstrapServers(),
                Topics.USAGE_PRICED,
                List.of(Map.entry("beyond-postgres", priced.getBytes(UTF_8))));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Cli dlq = cli("dlq", "--json");
        while (!dlq.out().contains("beyond-postgres") && System.nanoTime() < deadline) {
            Thread.sleep(500); // the pause of a deadline-bounded poll
            dlq = cli("dlq", "--json");
        }
        JsonNode listed = ContractJson.mapper().readTree(dlq.out());
        assertThat(listed.get("total").asInt()).isEqualTo(1);
        assertThat(listed.get("records").get(0).get("eventId").asText()).isEqualTo("beyond-postgres");
        assertThat(listed.get("records").get(0).get("replayTopic").asText()).isEqualTo(Topics.USAGE_PRICED);
        assertThat(listed.get("records").get(0).get("reason").asText()).startsWith("Postgres refused the row");
        assertThat(cli("dlq", "replay", "--dry-run").out())
                .startsWith("dry run: would replay 1 record (1 to agentmeter.usage.priced); nothing was published\n");
    }

    private static Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--kafka",
                pipeline.bootstrapServers(),
                "--processor",
                pipeline.processorUrl(),
                "--pg-url",
                pipeline.pgUrl()));
        return Cli.run(all.toArray(String[]::new));
    }

    private static JsonNode awaitRejected() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode json =
                    ContractJson.mapper().readTree(cli("rejected", "--json").out());
            if (json.get("total").asInt() > 0) {
                return json;
            }
            Thread.sleep(300); // the pause of a deadline-bounded poll
        }
        throw new AssertionError("nothing on the rejected topic within 60 s");
    }
}
