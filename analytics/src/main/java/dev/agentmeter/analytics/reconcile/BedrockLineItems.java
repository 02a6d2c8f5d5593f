package dev.agentmeter.analytics.reconcile;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an AWS Cost and Usage Report line item of Amazon Bedrock bills, as the bill writes it: a
 * model (a Bedrock model id the price catalog finds, its geographic or global profile included) or
 * an item of its own ({@code api:bedrock-guardrails}, {@code api:bedrock-provisioned-throughput}, …).
 *
 * <p>The forms real exports use: product code {@code AmazonBedrock} (first-party models such as
 * Nova and Titan, older Claude), {@code AmazonBedrockService} (current Claude models),
 * {@code AmazonBedrockFoundationModels}, and AWS Marketplace lines whose product name reads
 * "Claude 3 Haiku (Amazon Bedrock Edition)" with usage types like
 * {@code USW2-MP:USW2_InputTokenCount-Units}. Usage types carry a region prefix ({@code USE1-}),
 * the model ({@code Claude4.5Sonnet}, {@code NovaPro}), the token kind ({@code input-tokens},
 * {@code output-tokens}, {@code cache-read-input-token-count}, {@code cache-write-input-token-count})
 * and the profile ({@code -cross-region-global}, {@code -cross-region-geo}; none: in-region).
 */
public final class BedrockLineItems {

    /** The kinds of tokens a line bills. */
    public enum TokenKind {
        INPUT,
        OUTPUT,
        CACHE_READ,
        CACHE_WRITE
    }

    /**
     * One line's meaning: {@code billName} is what the reconciliation matches against the catalog
     * (a model id, or {@code api:bedrock-…} for what is not model usage); {@code kind} is null for
     * the latter.
     */
    public record Item(String billName, TokenKind kind, boolean modelUsage) {}

    private static final Pattern REGION = Pattern.compile("^([A-Z]{2,4}\\d?)-");
    private static final Pattern MARKETPLACE =
            Pattern.compile("^(?:[A-Z]{2,4}\\d?-)?MP:(?:[A-Z]{2,4}\\d?_)?(\\w+?)-Units$");
    private static final Pattern TOKENS = Pattern.compile(
            "^(?<model>.+?)-(?:batch-)?(?<kind>cache-read-input-token-count|cache-write-input-token-count|cache-read-input-tokens?"
                    + "|cache-write-input-tokens?|input-token-count|output-token-count|input-tokens?|output-tokens?)"
                    + "(?<profile>-cross-region(?:-global|-geo)?)?(?:-.*)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CLAUDE = Pattern.compile(
            "^Claude-?(?<v1>\\d+(?:[.-]\\d+)?)?-?(?<family>Sonnet|Opus|Haiku|Instant|Fable)?-?(?<v2>\\d+(?:[.-]\\d+)?)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CAMEL =
            Pattern.compile("(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\\d)(?![\\d.]*[A-Za-z]*\\d)");
    private static final Map<String, String> GEO = Map.of(
            "US", "us", "UG", "us", "EU", "eu", "EUC", "eu", "EUW", "eu", "EUN", "eu", "EUS", "eu", "APN", "jp", "APS",
            "apac", "APE", "apac");

    private BedrockLineItems() {}

    /** Whether a line belongs to Amazon Bedrock at all (by product code, else by product name). */
    public static boolean isBedrock(String productCode, String productName) {
        return (productCode != null && productCode.startsWith("AmazonBedrock"))
                || (productName != null && productName.contains("Amazon Bedrock"));
    }

    /**
     * What one Bedrock line of a Cost and Usage Report bills: its model, region and kind of usage.
     *
     * @param usageType   {@code line_item_usage_type}
     * @param productName {@code product_product_name} (Marketplace lines name the model there)
     * @param description {@code line_item_line_item_description}, the last resort for a model name
     */
    public static Item classify(String usageType, String productName, String description) {
        String u = usageType == null ? "" : usageType.trim();
        Matcher mp = MARKETPLACE.matcher(u);
        if (mp.matches()) {
            TokenKind kind = kind(mp.group(1));
            String model = productName == null
                    ? null
                    : modelFromName(
                            productName.replace("(Amazon Bedrock Edition)", "").trim());
            if (kind != null && model != null) {
                return new Item(model, kind, true);
            }
            return new Item("api:bedrock-marketplace-" + slug(mp.group(1)), null, false);
        }
        String region = null;
        Matcher r = REGION.matcher(u);
        if (r.find()) {
            region = r.group(1);
            u = u.substring(r.end());
        }
        String other = otherItem(u);
        if (other != null) {
            return new Item(other, null, false);
        }
        Matcher t = TOKENS.matcher(u);
        if (!t.matches()) {
            String fromText = description == null ? null : modelFromName(description);
            return fromText != null ? new Item(fromText, null, true) : new Item("api:bedrock-" + slug(u), null, false);
        }
        TokenKind kind = kind(t.group("kind"));
        String profile = t.group("profile") == null ? "" : t.group("profile").toLowerCase(Locale.ROOT);
        String model = model(t.group("model"), profile, region);
        return model == null ? new Item("api:bedrock-" + slug(u), null, false) : new Item(model, kind, true);
    }

    private static String otherItem(String u) {
        String l = u.toLowerCase(Locale.ROOT);
        if (l.contains("provisioned") || l.contains("modelunit") || l.contains("commitment")) {
            return "api:bedrock-provisioned-throughput";
        }
        if (l.contains("guardrail")) {
            return "api:bedrock-guardrails";
        }
        if (l.contains("knowledgebase") || l.contains("knowledge-base") || l.startsWith("kb-")) {
            return "api:bedrock-knowledge-bases";
        }
        if (l.contains("customiz")
                || l.contains("training")
                || l.contains("custommodel")
                || l.contains("modelstorage")) {
            return "api:bedrock-model-customization";
        }
        if (l.contains("dataautomation")) {
            return "api:bedrock-data-automation";
        }
        if (l.startsWith("agent") || l.contains("flows")) {
            return "api:bedrock-agents";
        }
        return null;
    }

    private static TokenKind kind(String text) {
        String k = text.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (k.startsWith("cacheread")) {
            return TokenKind.CACHE_READ;
        }
        if (k.startsWith("cachewrite")) {
            return TokenKind.CACHE_WRITE;
        }
        if (k.startsWith("input")) {
            return TokenKind.INPUT;
        }
        if (k.startsWith("output")) {
            return TokenKind.OUTPUT;
        }
        return null;
    }

    /** The Bedrock id of the usage type's model segment, on the profile the line names. */
    private static String model(String segment, String profile, String region) {
        Matcher c = CLAUDE.matcher(segment);
        if (c.matches() && (c.group("family") != null)) {
            String name = claude(c.group("v1") != null ? c.group("v1") : c.group("v2"), c.group("family"));
            if (name == null) {
                return null;
            }
            if (profile.endsWith("-global")) {
                return "global.anthropic." + name;
            }
            if (profile.startsWith("-cross-region")) {
                return geo(region) + ".anthropic." + name;
            }
            return "anthropic." + name;
        }
        String s = segment.toLowerCase(Locale.ROOT);
        if (s.startsWith("nova") || s.startsWith("titan")) {
            return "amazon." + kebab(segment);
        }
        if (s.startsWith("llama")) {
            return "meta." + kebab(segment).replace('.', '-');
        }
        if (s.startsWith("mistral") || s.startsWith("mixtral") || s.startsWith("pixtral")) {
            return "mistral." + kebab(segment);
        }
        return kebab(segment);
    }

    /** Claude 3.x is named version first (claude-3-5-sonnet), Claude 4 and later family first (claude-sonnet-4-5). */
    private static String claude(String version, String family) {
        if (version == null) {
            return null;
        }
        String v = version.replace('.', '-');
        String f = family.toLowerCase(Locale.ROOT);
        int major = Integer.parseInt(v.split("-", -1)[0]);
        return major < 4 ? "claude-" + v + "-" + f : "claude-" + f + "-" + v;
    }

    /** "Claude 3 Haiku", "Claude Sonnet 4.5", "Amazon Nova Pro" as a model id the catalog finds. */
    private static final Pattern MAKER = Pattern.compile("(?i)^(Anthropic|Amazon|Meta)\\s+");

    private static final Pattern CLAUDE_NAME = Pattern.compile(
            "(?i)^Claude\\s+(?:(\\d+(?:\\.\\d+)?)\\s+)?(Sonnet|Opus|Haiku|Instant)(?:\\s+(\\d+(?:\\.\\d+)?))?\\b.*");
    private static final Pattern NOVA_NAME = Pattern.compile("(?i)^Nova\\s+(\\w+).*");

    static String modelFromName(String name) {
        String n = MAKER.matcher(name).replaceFirst("").trim();
        Matcher c = CLAUDE_NAME.matcher(n);
        if (c.matches()) {
            String name2 = claude(c.group(1) != null ? c.group(1) : c.group(3), c.group(2));
            return name2 == null ? null : "anthropic." + name2;
        }
        Matcher nova = NOVA_NAME.matcher(n);
        if (nova.matches()) {
            return "amazon.nova-" + nova.group(1).toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static String geo(String region) {
        if (region == null) {
            return "us";
        }
        String letters = region.replaceAll("\\d", "");
        for (int len = Math.min(3, letters.length()); len >= 2; len--) {
            String g = GEO.get(letters.substring(0, len));
            if (g != null) {
                return g;
            }
        }
        return "us";
    }

    private static String kebab(String camel) {
        return String.join("-", CAMEL.split(camel)).toLowerCase(Locale.ROOT).replaceAll("-+", "-");
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
