package dev.agentmeter.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast paths read the contract's shape exactly as Instant.parse and write exactly
 * Instant.toString; everything else is Jackson's as before.
 */
class IsoInstantTest {

    /** Jackson with only its own java.time support: what every instant was read with before. */
    private static final ObjectMapper JACKSON =
            JsonMapper.builder().addModule(new JavaTimeModule()).build();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22T10:15:30Z",
                "2026-11-22T10:15:30.1Z",
                "2026-11-22T10:15:30.123Z",
                "2026-11-22T10:15:30.123456Z",
                "2026-11-22T10:15:30.123456789Z",
                "2024-02-29T23:59:59.999Z",
                "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.5Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z"
            })
    void theContractShapeIsReadDirectlyAndEqualsInstantParse(String text) {
        char[] chars = ("\"" + text + "\"").toCharArray();

        assertThat(IsoInstantDeserializer.parseCanonical(chars, 1, text.length()))
                .isEqualTo(Instant.parse(text));
        assertThat(ContractJson.fromJson("\"" + text + "\"", Instant.class)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22T10:15:30+00:00",
                "2026-11-22T10:15:30z",
                "2026-11-22T10:15:30.Z",
                "2026-11-22T10:15:30.1234567891Z",
                "2026-02-30T10:15:30Z",
                "2026-11-22T24:00:00Z",
                "2026-11-22T23:59:60Z",
                "2026-11-22 10:15:30Z",
                "+12026-11-22T10:15:30Z",
                "2026-1-22T10:15:30Z",
                "x026-11-22T10:15:30Z",
                "1795341330",
                "",
                "yesterday"
            })
    void anyOtherShapeIsLeftToJacksonWithTheSameOutcome(String text) {
        char[] chars = text.toCharArray();
        assertThat(IsoInstantDeserializer.parseCanonical(chars, 0, chars.length))
                .isNull();

        assertThat(outcome(() -> ContractJson.mapper().readValue("\"" + text + "\"", Instant.class)))
                .isEqualTo(outcome(() -> JACKSON.readValue("\"" + text + "\"", Instant.class)));
    }

    @Test
    void instantsAreWrittenExactlyAsToString() throws Exception {
        assertThat(ContractJson.mapper().getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(IsoInstantSerializer.class);
        SplittableRandom random = new SplittableRandom(42);
        List<Instant> instants = new ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.parse("2026-11-22T10:15:30Z"),
                Instant.parse("2026-11-22T10:15:30.120Z"),
                Instant.parse("2026-11-22T10:15:30.000100Z"),
                Instant.parse("2026-11-22T10:15:30.000000001Z"),
                Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.5Z"),
                Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.MIN,
                Instant.MAX));
        for (int i = 0; i < 10_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0000..9999
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant instant : instants) {
            assertThat(ContractJson.mapper().writeValueAsString(instant)).isEqualTo("\"" + instant + "\"");
        }
    }

    private interface Read {
        Instant read() throws Exception;
    }

    /** The value read, or the exception's type and first message line. */
    private static String outcome(Read read) {
        try {
            return String.valueOf(read.read());
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse("");
        }
    }
}
