package dev.agentmeter.client.estimate;

import dev.agentmeter.model.Usage;

/**
 * Estimates token counts when a caller has only text lengths: input ≈ ceil(chars / 4), output ≈
 * ceil(output chars / 4) when the output length is known, else 30 % of input (rounded up). The
 * result is marked {@code estimated: true} so analysts can tell it from billed counts.
 */
public final class TokenEstimator {

    public static final int CHARS_PER_TOKEN = 4;

    private TokenEstimator() {}

    public static long tokensForChars(long chars) {
        return chars <= 0 ? 0 : (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /**
     * Token counts estimated from character counts, marked estimated.
     *
     * @param promptChars characters sent to the model
     * @param outputChars characters the model returned, or a negative number when unknown
     */
    public static Usage estimate(long promptChars, long outputChars) {
        long input = tokensForChars(promptChars);
        long output = outputChars >= 0 ? tokensForChars(outputChars) : (input * 3 + 9) / 10;
        return new Usage(input, output, 0, 0, 0, 0, true);
    }

    public static Usage estimate(String prompt, String output) {
        return estimate(prompt == null ? 0 : prompt.length(), output == null ? -1 : output.length());
    }
}
