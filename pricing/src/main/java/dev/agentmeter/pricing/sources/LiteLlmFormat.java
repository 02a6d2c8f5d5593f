package dev.agentmeter.pricing.sources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Money;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.pricing.BundledCatalog;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * LiteLLM's {@code model_prices_and_context_window.json}: an object of model name → USD per token.
 * Prices become per million tokens exactly (the literal's decimal × 10⁶). {@code *_above_200k_tokens}
 * is the long-context tier above 200,000 input tokens; {@code *_batches}, {@code *_flex} and
 * {@code *_priority} are the batch, flex and priority service tiers (their own
 * {@code _above_200k_tokens} included). The file has no dates: an entry is effective from
 * {@link BundledCatalog#EARLY} (an import of a changed price dates it from the import, see
 * {@link PriceImport}). Only chat, completion and responses models are read.
 */
public final class LiteLlmFormat {

    public static final String NAME = "litellm";
    public static final String DATA_URL =
            "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";
    private static final Set<String> TEXT_MODES = Set.of("chat", "completion", "responses");
    private static final Map<String, String> TIERS = Map.of("batches", "batch", "flex", "flex", "priority", "priority");
    private static final Map<String, String> COMPANIES = Map.ofEntries(
            Map.entry("openai", "OpenAI"),
            Map.entry("text-completion-openai", "OpenAI"),
            Map.entry("azure", "OpenAI"),
            Map.entry("anthropic", "Anthropic"),
            Map.entry("gemini", "Google"),
            Map.entry("vertex_ai-language-models", "Google"),
            Map.entry("deepseek", "DeepSeek"),
            Map.entry("mistral", "Mistral"),
            Map.entry("xai", "xAI"),
            Map.entry("cohere", "Cohere"),
            Map.entry("cohere_chat", "Cohere"),
            Map.entry("groq", "Groq"));
    private static final Map<String, String> BEDROCK_VENDORS = Map.of(
            "anthropic",
            "Anthropic",
            "amazon",
            "Amazon",
            "meta",
            "Meta",
            "mistral",
            "Mistral",
            "cohere",
            "Cohere",
            "deepseek",
            "DeepSeek",
            "openai",
            "OpenAI");

    private LiteLlmFormat() {}

    static boolean matches(JsonNode root) {
        if (!root.isObject()) {
            return false;
        }
        for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (v.isObject() && (v.has("litellm_provider") || v.has("input_cost_per_token"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The models of a LiteLLM price document, priced as the contract's catalog entries.
     *
     * @param providers litellm_provider values to read (empty: all)
     */
    public static SourceCatalog read(JsonNode root, Set<String> providers) {
        if (!matches(root)) {
            throw new IllegalArgumentException(
                    "not LiteLLM prices: expected an object of model name → {input_cost_per_token, …}");
        }
        List<SourceCatalog.Model> models = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> unrepresented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("sample_spec") || !v.isObject()) {
                continue;
            }
            String provider = v.path("litellm_provider").asText("");
            if (!providers.isEmpty() && !providers.contains("all") && !providers.contains(provider)) {
                continue;
            }
            String mode = v.path("mode").asText("chat");
            if (!TEXT_MODES.contains(mode)) {
                continue;
            }
            Prices standard = prices(v, "", key);
            if (standard.input() == null && standard.output() == null) {
                skipped.add(key + ": no token prices");
                unrepresented.add(key);
                continue;
            }
            Map<String, TierPrice> tiers = new TreeMap<>();
            TIERS.forEach((suffix, tier) -> {
                Prices t = prices(v, "_" + suffix, key);
                if (t.any()) {
                    tiers.put(
                            tier,
                            new TierPrice(
                                    t.input(),
                                    t.output(),
                                    t.cacheRead(),
                                    t.cacheWrite(),
                                    t.cacheWrite1h(),
                                    t.reasoning(),
                                    t.longContext()));
                }
            });
            EffectivePrice price = new EffectivePrice(
                    BundledCatalog.EARLY,
                    standard.input(),
                    standard.output(),
                    standard.cacheRead(),
                    standard.cacheWrite(),
                    standard.cacheWrite1h(),
                    standard.reasoning(),
                    standard.longContext(),
                    tiers);
            models.add(new SourceCatalog.Model(
                    provider + "/" + key,
                    new ModelPrice(key, company(provider, key), List.of(), List.of(price)),
                    List.of(key)));
        }
        return new SourceCatalog(NAME, models, skipped, unrepresented);
    }

    private record Prices(
            BigDecimal input,
            BigDecimal output,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            BigDecimal cacheWrite1h,
            BigDecimal reasoning,
            LongContextPrice longContext) {
        boolean any() {
            return input != null
                    || output != null
                    || cacheRead != null
                    || cacheWrite != null
                    || cacheWrite1h != null
                    || reasoning != null
                    || longContext != null;
        }
    }

    private static Prices prices(JsonNode v, String suffix, String where) {
        BigDecimal lcInput = perToken(v, "input_cost_per_token_above_200k_tokens" + suffix, where);
        BigDecimal lcOutput = perToken(v, "output_cost_per_token_above_200k_tokens" + suffix, where);
        BigDecimal lcRead = perToken(v, "cache_read_input_token_cost_above_200k_tokens" + suffix, where);
        BigDecimal lcWrite = perToken(v, "cache_creation_input_token_cost_above_200k_tokens" + suffix, where);
        LongContextPrice lc = lcInput == null && lcOutput == null && lcRead == null && lcWrite == null
                ? null
                : new LongContextPrice(200_000, lcInput, lcOutput, lcRead, lcWrite, null, null);
        return new Prices(
                perToken(v, "input_cost_per_token" + suffix, where),
                perToken(v, "output_cost_per_token" + suffix, where),
                perToken(v, "cache_read_input_token_cost" + suffix, where),
                perToken(v, "cache_creation_input_token_cost" + suffix, where),
                perToken(v, "cache_creation_input_token_cost_above_1hr" + suffix, where),
                perToken(v, "output_cost_per_reasoning_token" + suffix, where),
                lc);
    }

    private static BigDecimal perToken(JsonNode v, String field, String where) {
        BigDecimal d = Numbers.price(v, field, where);
        return d == null ? null : Money.normalise(d.movePointRight(6));
    }

    private static String company(String provider, String key) {
        if (provider.startsWith("bedrock")) {
            String s = key.replaceFirst("^bedrock/(?:[a-z0-9-]+/)?", "")
                    .replaceFirst("^(?:global|us|eu|apac|jp|au|ca)\\.", "");
            int dot = s.indexOf('.');
            return dot > 0 ? BEDROCK_VENDORS.getOrDefault(s.substring(0, dot), "AWS") : "AWS";
        }
        if (provider.startsWith("vertex_ai")) {
            return key.contains("claude") ? "Anthropic" : "Google";
        }
        return COMPANIES.getOrDefault(provider, provider.isEmpty() ? null : provider);
    }
}
