package dev.agentmeter.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgTextTest {

    private static String csv(Object value) {
        StringBuilder out = new StringBuilder();
        PgText.appendCsv(out, value);
        return out.toString();
    }

    @Test
    void nullIsAnUnquotedEmptyFieldAndEmptyStringIsQuoted() {
        assertThat(csv(null)).isEqualTo("");
        assertThat(csv("")).isEqualTo("\"\"");
    }

    @Test
    void quotesAreDoubledInsideAQuotedField() {
        assertThat(csv("a \"b\", c\nd")).isEqualTo("\"a \"\"b\"\", c\nd\"");
    }

    @Test
    void moneyIsWrittenAsPlainDecimalNeverScientific() {
        assertThat(csv(new BigDecimal("1E-10"))).isEqualTo("0.0000000001");
        assertThat(csv(new BigDecimal("12.3400"))).isEqualTo("12.3400");
    }

    @Test
    void scalarsAreUnquoted() {
        assertThat(csv(42L)).isEqualTo("42");
        assertThat(csv(true)).isEqualTo("t");
        assertThat(csv(Instant.parse("2026-11-22T10:15:30Z"))).isEqualTo("2026-11-22T10:15:30Z");
    }

    @Test
    void arrayElementsAreQuotedAndEscapedThenTheLiteralIsCsvQuoted() {
        assertThat(PgText.encode(List.of("a", "b,c", "d\"e", "f\\g")))
                .isEqualTo("{\"a\",\"b,c\",\"d\\\"e\",\"f\\\\g\"}");
        assertThat(PgText.encode(Arrays.asList("x", null))).isEqualTo("{\"x\",NULL}");
        assertThat(csv(List.of("q\""))).isEqualTo("\"{\"\"q\\\"\"\"\"}\"");
    }

    @Test
    void nulCharactersPostgresCannotStoreAreReplaced() {
        assertThat(PgText.encode("a\0b")).isEqualTo("a\uFFFDb");
    }

    @Test
    void unpairedSurrogatesUtf8CannotHoldAreReplacedAndPairsKept() {
        assertThat(PgText.encode("x\uD800y\uDC00z😀")).isEqualTo("x\uFFFDy\uFFFDz😀");
    }
}
