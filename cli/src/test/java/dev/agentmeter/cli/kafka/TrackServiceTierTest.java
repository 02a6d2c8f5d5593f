package dev.agentmeter.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code track --service-tier}: the tier the provider served the call at, in the contract's form. */
class TrackServiceTierTest {

    private static TrackCommand parsed(String... args) {
        TrackCommand track = new TrackCommand();
        new CommandLine(track).parseArgs(args);
        return track;
    }

    @Test
    void theTierIsLowerCasedAsTheContractWritesIt() {
        assertThat(parsed("--model", "gpt-4o", "--input-tokens", "10", "--service-tier", "Flex")
                        .event()
                        .serviceTier())
                .isEqualTo("flex");
    }

    @Test
    void openAisDefaultIsStandard() {
        assertThat(parsed("--model", "gpt-4o", "--input-tokens", "10", "--service-tier", "default")
                        .event()
                        .serviceTier())
                .isEqualTo("standard");
    }

    @Test
    void withoutTheOptionTheEventCarriesNoTier() {
        assertThat(parsed("--model", "gpt-4o", "--input-tokens", "10").event().serviceTier())
                .isNull();
    }

    @Test
    void aTierTheContractCannotNameIsRefusedWithTheField() {
        assertThatThrownBy(() -> parsed("--model", "gpt-4o", "--input-tokens", "10", "--service-tier", "batch please")
                        .event())
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("serviceTier 'batch please'");
    }
}
