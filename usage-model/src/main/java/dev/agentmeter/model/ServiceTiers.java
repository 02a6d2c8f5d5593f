package dev.agentmeter.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Service tiers as the contract names them: the tier the provider says it served a request at,
 * read from the response ({@code standard}, {@code batch}, {@code flex}, {@code priority}, or
 * another provider's word). Lower-cased on receipt; OpenAI's {@code default} and {@code auto} mean
 * {@code standard}.
 */
public final class ServiceTiers {

    public static final String STANDARD = "standard";
    public static final String BATCH = "batch";
    public static final String FLEX = "flex";
    public static final String PRIORITY = "priority";
    /** 1–40 characters of a-z, 0-9, _ and - (after lower-casing). */
    public static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,40}");

    private ServiceTiers() {}

    /** The contract's form of a tier a sender or a provider wrote: lower case, default/auto as standard; null stays null. */
    public static String normalise(String tier) {
        if (tier == null) {
            return null;
        }
        String t = tier.trim().toLowerCase(Locale.ROOT);
        return t.equals("default") || t.equals("auto") ? STANDARD : t;
    }

    /** Whether {@code tier} (normalised) is a name the contract accepts. */
    public static boolean valid(String tier) {
        return tier != null && NAME.matcher(tier).matches();
    }
}
