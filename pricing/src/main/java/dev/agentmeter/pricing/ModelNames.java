package dev.agentmeter.pricing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The contract's normalised model name: lower case, provider and region prefixes
 * ({@code anthropic.}, {@code anthropic/}, {@code us.}, {@code vertex_ai/}, …) and version suffixes
 * ({@code -v1:0}, {@code -20250929}, {@code @20250929}, {@code -2024-08-06}) stripped.
 */
public final class ModelNames {

    private static final Pattern PATH_PREFIX = Pattern.compile("^(?:[a-z0-9_.-]+/)+");
    private static final Pattern REGION_PREFIX = Pattern.compile("^(?:us|eu|apac|jp|au|ca|global|us-gov)\\.");
    /** Bedrock's geographic and regional inference profiles; {@code global.} is the global price, not one of them. */
    private static final Pattern GEO_PREFIX = Pattern.compile("^(?:us|eu|apac|jp|au|ca|us-gov)\\.");

    private static final Pattern VENDOR_PREFIX =
            Pattern.compile("^(?:anthropic|openai|google|meta|amazon|mistral|cohere|ai21|deepseek|xai|models)\\.");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("(?:-v\\d+(?::\\d+)?|:\\d+)$");
    private static final Pattern DATE_SUFFIX = Pattern.compile("(?:[-@]\\d{8}|-\\d{4}-\\d{2}-\\d{2}|@\\d{3})$");

    private ModelNames() {}

    /**
     * Whether {@code model} names a geographic or regional Bedrock profile ({@code us.}, {@code eu.},
     * {@code jp.}, {@code apac.}, {@code au.}, …, after any path prefix). Such a name is priced only
     * by an entry that lists that form, never by the global entry its normalised name would find:
     * newer Claude models cost 10 % more there.
     */
    public static boolean isRegional(String model) {
        if (model == null) {
            return false;
        }
        String s = PATH_PREFIX.matcher(model.trim().toLowerCase(Locale.ROOT)).replaceFirst("");
        return GEO_PREFIX.matcher(s).find();
    }

    public static String normalise(String model) {
        if (model == null) {
            return null;
        }
        String s = model.trim().toLowerCase(Locale.ROOT);
        s = PATH_PREFIX.matcher(s).replaceFirst("");
        s = REGION_PREFIX.matcher(s).replaceFirst("");
        s = VENDOR_PREFIX.matcher(s).replaceFirst("");
        // Suffixes can stack (claude-sonnet-4-5-20250929-v1:0): strip until nothing changes.
        String before;
        do {
            before = s;
            s = VERSION_SUFFIX.matcher(s).replaceFirst("");
            s = DATE_SUFFIX.matcher(s).replaceFirst("");
        } while (!s.equals(before));
        // OpenRouter writes versions with dots (claude-sonnet-4.5); keys use dashes.
        return s.replaceAll("(?<=\\d)\\.(?=\\d)", "-");
    }
}
