package dev.agentmeter.client.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Usage;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    @Test
    void inputIsCharsOverFourRoundedUp() {
        assertThat(TokenEstimator.tokensForChars(0)).isZero();
        assertThat(TokenEstimator.tokensForChars(1)).isEqualTo(1);
        assertThat(TokenEstimator.tokensForChars(4)).isEqualTo(1);
        assertThat(TokenEstimator.tokensForChars(5)).isEqualTo(2);
        assertThat(TokenEstimator.tokensForChars(1001)).isEqualTo(251);
    }

    @Test
    void outputIsThirtyPercentOfInputRoundedUpWhenUnknown() {
        assertThat(TokenEstimator.estimate(1000, -1)).isEqualTo(new Usage(250, 75, 0, 0, 0, 0, true));
        assertThat(TokenEstimator.estimate(1001, -1)).isEqualTo(new Usage(251, 76, 0, 0, 0, 0, true));
        assertThat(TokenEstimator.estimate(4, -1)).isEqualTo(new Usage(1, 1, 0, 0, 0, 0, true));
    }

    @Test
    void outputComesFromItsOwnLengthWhenGiven() {
        assertThat(TokenEstimator.estimate("a".repeat(400), "b".repeat(30)))
                .isEqualTo(new Usage(100, 8, 0, 0, 0, 0, true));
        assertThat(TokenEstimator.estimate(null, null)).isEqualTo(new Usage(0, 0, 0, 0, 0, 0, true));
    }
}
