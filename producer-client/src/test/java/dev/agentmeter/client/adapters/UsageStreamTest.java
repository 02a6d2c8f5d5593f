package dev.agentmeter.client.adapters;

import static dev.agentmeter.client.adapters.ProviderFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.agentmeter.model.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.model.CacheDetail;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetrics;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Recorded streams, fed event by event. Sequences follow:
 * OpenAI https://platform.openai.com/docs/api-reference/chat-streaming (final chunk with
 * {@code choices: []} and the usage, under {@code stream_options.include_usage}) and
 * https://platform.openai.com/docs/api-reference/responses-streaming ({@code response.completed});
 * Anthropic https://docs.anthropic.com/en/docs/build-with-claude/streaming (the basic example's
 * {@code message_start} with 25 input tokens and {@code message_delta} with 15 output tokens);
 * Bedrock https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 * ({@code metadata} with {@code usage} and {@code metrics}).
 */
class UsageStreamTest {

    private static UsageStream feed(UsageStream s, List<?> events) {
        events.forEach(s::accept);
        return s;
    }

    @Test
    void openAiChatStreamTakesTheFinalUsageChunk() {
        ProviderUsage p =
                feed(UsageStream.openAi(), stream("openai-chat-stream")).finish();
        assertThat(p.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(p.usage()).isEqualTo(new Usage(1117, 46, 1024, 0, 0, 0, false));
    }

    @Test
    void openAiChatStreamWithoutIncludeUsageIsAnError() {
        List<String> withoutUsage = stream("openai-chat-stream").subList(0, 3);
        UsageStream s = feed(UsageStream.openAi(), withoutUsage);
        assertThat(s.complete()).isFalse();
        assertThatThrownBy(s::finish)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "OpenAI stream ended without usage after 3 events: no chunk with $.usage"
                                + " (request stream_options.include_usage=true) and no response.completed with $.response.usage");
    }

    @Test
    void openAiStreamWithoutUsageCanBeEstimatedWhenTheCallerOptsIn() {
        UsageStream s = feed(UsageStream.openAi(), stream("openai-chat-stream").subList(0, 3));
        ProviderUsage p = s.finishOrEstimate(400, 9);
        assertThat(p.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(p.usage()).isEqualTo(new Usage(100, 3, 0, 0, 0, 0, true));
    }

    @Test
    void openAiResponsesStreamTakesResponseCompleted() {
        ProviderUsage p =
                feed(UsageStream.openAi(), stream("openai-responses-stream")).finish();
        assertThat(p.model()).isEqualTo("gpt-5-2025-08-07");
        assertThat(p.usage()).isEqualTo(new Usage(37, 11, 0, 0, 0, 0, false));
        assertThat(p.serviceTier()).isEqualTo("standard");
        assertThat(p.attributes()).isEmpty();
    }

    @Test
    void anthropicStreamMergesMessageStartAndMessageDelta() {
        ProviderUsage p =
                feed(UsageStream.anthropic(), stream("anthropic-stream")).finish();
        assertThat(p.model()).isEqualTo("claude-opus-4-6");
        assertThat(p.usage()).isEqualTo(new Usage(25, 15, 0, 0, 0, 0, false));
    }

    @Test
    void anthropicStreamReadsThinkingCacheTierAndServerToolsFromTheDelta() {
        ProviderUsage p = feed(UsageStream.anthropic(), stream("anthropic-stream-thinking-cache"))
                .finish();
        assertThat(p.usage()).isEqualTo(new Usage(24472, 1840, 20000, 4000, 4000, 1500, false));
        assertThat(p.serviceTier()).isEqualTo("priority");
        assertThat(p.attributes()).isEqualTo(Map.of("webSearchRequests", "2"));
    }

    @Test
    void anthropicStreamCutAfterMessageStartIsAnError() {
        UsageStream s = feed(UsageStream.anthropic(), stream("anthropic-stream").subList(0, 4));
        assertThatThrownBy(s::finish)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Anthropic stream ended without message_delta ($.usage.output_tokens) after 4 events");
    }

    @Test
    void anthropicStreamCutAfterMessageStartKeepsTheReportedInputWhenEstimated() {
        UsageStream s = feed(UsageStream.anthropic(), stream("anthropic-stream").subList(0, 4));
        ProviderUsage p = s.finishOrEstimate(100, 40);
        assertThat(p.usage()).isEqualTo(new Usage(25, 10, 0, 0, 0, 0, true));
    }

    @Test
    void anthropicSdkEventObjectsGiveTheSameUsageAsTheirJson() throws Exception {
        UsageStream s = UsageStream.anthropic();
        for (String line : stream("anthropic-stream-thinking-cache")) {
            s.accept(ObjectMappers.jsonMapper().readValue(line, RawMessageStreamEvent.class));
        }
        ProviderUsage p = s.finish();
        assertThat(p.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(p.usage()).isEqualTo(new Usage(24472, 1840, 20000, 4000, 4000, 1500, false));
        assertThat(p.serviceTier()).isEqualTo("priority");
        assertThat(p.attributes()).isEqualTo(Map.of("webSearchRequests", "2"));
    }

    @Test
    void bedrockStreamTakesTheMetadataEvent() {
        ProviderUsage p =
                feed(UsageStream.bedrock(), stream("bedrock-converse-stream")).finish();
        assertThat(p.provider()).isEqualTo("aws-bedrock");
        assertThat(p.usage()).isEqualTo(new Usage(3250, 120, 2000, 1000, 600, 0, false));
    }

    @Test
    void bedrockStreamWithoutMetadataIsAnError() {
        UsageStream s =
                feed(UsageStream.bedrock(), stream("bedrock-converse-stream").subList(0, 5));
        assertThatThrownBy(s::finish)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Bedrock stream ended without a metadata event ($.metadata.usage) after 5 events");
    }

    @Test
    void bedrockSdkEventObjectsAreReadByTheirWireNames() {
        List<ConverseStreamOutput> events = List.of(
                MessageStartEvent.builder().role("assistant").build(),
                MessageStopEvent.builder().stopReason("end_turn").build(),
                ConverseStreamMetadataEvent.builder()
                        .usage(TokenUsage.builder()
                                .inputTokens(250)
                                .outputTokens(120)
                                .totalTokens(3370)
                                .cacheReadInputTokens(2000)
                                .cacheWriteInputTokens(1000)
                                .cacheDetails(
                                        CacheDetail.builder()
                                                .ttl("1h")
                                                .inputTokens(600)
                                                .build(),
                                        CacheDetail.builder()
                                                .ttl("5m")
                                                .inputTokens(400)
                                                .build())
                                .build())
                        .metrics(
                                ConverseStreamMetrics.builder().latencyMs(1502L).build())
                        .build());

        ProviderUsage p = feed(UsageStream.bedrock(), events).finish();

        assertThat(p.usage()).isEqualTo(new Usage(3250, 120, 2000, 1000, 600, 0, false));
    }

    @Test
    void anAnthropicStreamWhoseOnlyUsageIsAFinalDeltaWithTheWholeUsageIsComplete() {
        ProviderUsage p = UsageStream.anthropic()
                .accept(ProviderFixtures.body("anthropic-message-delta-full-usage"))
                .finish();

        assertThat(p.usage()).isEqualTo(new Usage(1496, 89, 1024, 0, 0, 0, false));
    }
}
