package dev.agentmeter.client.adapters;

import static dev.agentmeter.client.adapters.ProviderFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.responses.ResponseStreamEvent;
import dev.agentmeter.model.Usage;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI SDK's own stream objects, read by the SDK's mapper from the recorded streams, give
 * the usage their JSON gives ({@link UsageStreamTest}; apart because both SDKs name their mapper
 * {@code ObjectMappers}).
 */
class OpenAiSdkUsageStreamTest {

    @Test
    void openAiSdkChatChunksGiveTheSameUsageAsTheirJson() throws Exception {
        UsageStream s = UsageStream.openAi();
        for (String line : stream("openai-chat-stream")) {
            s.accept(ObjectMappers.jsonMapper().readValue(line, ChatCompletionChunk.class));
        }
        ProviderUsage p = s.finish();
        assertThat(p.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(p.usage()).isEqualTo(new Usage(1117, 46, 1024, 0, 0, 0, false));
    }

    @Test
    void openAiSdkResponseStreamEventsGiveTheSameUsageAsTheirJson() throws Exception {
        UsageStream s = UsageStream.openAi();
        for (String line : stream("openai-responses-stream")) {
            s.accept(ObjectMappers.jsonMapper().readValue(line, ResponseStreamEvent.class));
        }
        ProviderUsage p = s.finish();
        assertThat(p.usage()).isEqualTo(new Usage(37, 11, 0, 0, 0, 0, false));
        assertThat(p.serviceTier()).isEqualTo("standard");
        assertThat(p.attributes()).isEmpty();
    }
}
