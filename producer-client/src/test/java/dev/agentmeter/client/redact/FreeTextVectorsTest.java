package dev.agentmeter.client.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.FreeText;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The vectors the TypeScript client's tests read too (clients/test-vectors/free-text.json): both
 * clients redact and cut free text to the same result.
 */
class FreeTextVectorsTest {

    private static JsonNode vectors() throws Exception {
        return ContractJson.mapper()
                .readTree(Files.readString(Path.of("..", "clients", "test-vectors", "free-text.json")));
    }

    @Test
    void everyRedactionVectorGivesItsText() throws Exception {
        JsonNode redaction = vectors().get("redaction");
        assertThat(redaction.size()).isGreaterThanOrEqualTo(14);
        for (JsonNode v : redaction) {
            assertThat(Redactor.defaults().redact(v.get("input").asText()))
                    .as(v.get("input").asText())
                    .isEqualTo(v.get("redacted").asText());
        }
    }

    @Test
    void everyCutVectorGivesItsText() throws Exception {
        for (JsonNode v : vectors().get("cut")) {
            assertThat(FreeText.prefix(
                            FreeText.storable(v.get("input").asText()),
                            v.get("max").asInt()))
                    .isEqualTo(v.get("output").asText());
        }
    }
}
