package dev.agentmeter.model.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.model.validation.UsageEventValidator;
import dev.agentmeter.model.validation.Violation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The validator's entrance (shared by client, CLI, collector and processor) under 3,000 hostile
 * documents: nothing escapes, every document is either a valid event or rejected with a reason
 * naming a field, and every valid one is accepted. Prints what each hostile class did.
 */
class HostileParserTest {

    private static final UsageEventParser PARSER = new UsageEventParser(new UsageEventValidator(
            Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC), Duration.ofHours(24)));

    @Test
    void everyDocumentIsEitherAnEventOrRejectedNamingAField() {
        long seed = HostileDocuments.seed();
        HostileDocuments documents = new HostileDocuments(seed);
        HostileOutcomes outcomes = new HostileOutcomes("validator", seed);
        for (HostileDocuments.Document d : documents.next(3000)) {
            UsageEventParser.Result r = PARSER.parse(d.bytes());
            outcomes.count(d, r.valid() ? "accepted" : "rejected");
            assertThat(r.valid())
                    .as("exactly one of event and violations: %s", d)
                    .isEqualTo(r.violations().isEmpty());
            if (d.meantValid()) {
                assertThat(r.valid()).as("%s: %s", d, r.reason()).isTrue();
            }
            for (Violation v : r.violations()) {
                assertThat(v.field())
                        .as("a field is named: %s for %s", v.message(), d)
                        .isNotEmpty();
                assertThat(v.message())
                        .as("a reason a person can read")
                        .isNotBlank()
                        .hasSizeLessThan(1000);
            }
        }
        System.out.println(outcomes);
        assertThat(outcomes.count(HostileDocuments.VALID, "accepted")).isPositive();
    }
}
