package dev.agentmeter.pricing.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.hostile.HostileDocuments;
import dev.agentmeter.pricing.BundledCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * `prices import`'s way in under the hostile-input suite: a hostile document, alone or as a model's
 * prices inside a genai-prices or LiteLLM document, is imported or refused with a reason
 * (IllegalArgumentException), never another exception.
 */
class HostilePriceImportTest {

    @Test
    void hostileDocumentsAreImportedOrRefusedWithAReason() {
        long seed = HostileDocuments.seed();
        var live = BundledCatalog.load();
        int refused = 0;
        int imported = 0;
        for (HostileDocuments.Document d : new HostileDocuments(seed).next(600)) {
            String json = d.json();
            String[] forms = {
                json,
                "[{\"id\":\"openai\",\"name\":\"OpenAI\",\"models\":[{\"id\":\"m\",\"match\":{\"equals\":\"m\"},\"prices\":"
                        + json + "}]}]",
                "{\"m\":" + json + "}"
            };
            for (String form : forms) {
                try {
                    SourceCatalog c = PriceImport.read(form.getBytes(StandardCharsets.UTF_8), "auto", Set.of());
                    PriceImport.plan(live, c, Instant.parse("2026-12-07T12:00:00Z"), false, Set.of());
                    imported++;
                } catch (IllegalArgumentException refusedWithAReason) {
                    assertThat(refusedWithAReason.getMessage()).isNotBlank();
                    refused++;
                }
            }
        }
        System.out.println("hostile input at prices import (seed " + seed + ", -Dhostile.seed=" + seed
                + " repeats it): " + refused + " refused with a reason, " + imported + " imported, of 1800");
        assertThat(refused + imported).isEqualTo(1800);
    }
}
