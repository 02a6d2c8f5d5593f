package dev.agentmeter.pricing.sources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.pricing.BundledCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data of pydantic's genai-prices (the {@code @pydantic/genai-prices} npm package ships it; the
 * same JSON is published at {@link #DATA_URL}): an array of providers, each with its models. A
 * model's {@code prices} is one price set or a list of them under constraints; a
 * {@code start_date} constraint becomes an effective-dated entry; a model priced by
 * {@code time_of_date} (off-peak hours) cannot be said in the contract and is left out, with a note. A tiered price
 * ({@code {base, tiers: [{start, price}]}}) becomes {@code longContext} above {@code start} input
 * tokens. Prices per million tokens: {@code input_mtok}, {@code output_mtok},
 * {@code cache_read_mtok}, {@code cache_write_mtok}, {@code cache_write_1h_mtok},
 * {@code output_reasoning_mtok}; the rest (audio, images, searches) is not the contract's.
 */
public final class GenAiPricesFormat {

    public static final String NAME = "genai-prices";
    public static final String DATA_URL =
            "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json";
    /** The first-party providers, imported unless --provider says otherwise; earlier ones win a model two of them price. */
    public static final List<String> FIRST_PARTY =
            List.of("anthropic", "openai", "google", "aws", "deepseek", "mistral", "x-ai", "cohere");

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
            "OpenAI",
            "google",
            "Google");

    private GenAiPricesFormat() {}

    /** Whether {@code root} looks like this format: an array of objects with {@code models}. */
    static boolean matches(JsonNode root) {
        return root.isArray()
                && !root.isEmpty()
                && root.get(0).has("models")
                && root.get(0).has("id");
    }

    /**
     * The models of a genai-prices document, priced as the contract's catalog entries.
     *
     * @param providers provider ids to read (empty: {@link #FIRST_PARTY}; "all": every one, first-party first)
     */
    public static SourceCatalog read(JsonNode root, Set<String> providers) {
        if (!matches(root)) {
            throw new IllegalArgumentException(
                    "not genai-prices data: expected a JSON array of providers with id and models");
        }
        List<JsonNode> ordered = order(root, providers);
        List<SourceCatalog.Model> models = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> unrepresented = new ArrayList<>();
        for (JsonNode provider : ordered) {
            String providerId = provider.path("id").asText();
            JsonNode list = provider.get("models");
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException("provider " + providerId + ": models is not an array");
            }
            for (JsonNode m : list) {
                String id = m.path("id").asText("");
                String where = providerId + "/" + id;
                if (id.isBlank()) {
                    throw new IllegalArgumentException("provider " + providerId + ": a model without an id");
                }
                try {
                    model(providerId, provider.path("name").asText(providerId), m, where)
                            .ifPresentOrElse(models::add, () -> {
                                skipped.add(where + ": no token prices");
                                unrepresented.add(id);
                            });
                } catch (Unrepresentable e) {
                    skipped.add(where + ": " + e.getMessage());
                    unrepresented.add(id);
                }
            }
        }
        return new SourceCatalog(NAME, models, skipped, unrepresented);
    }

    private static List<JsonNode> order(JsonNode root, Set<String> providers) {
        boolean all = providers.contains("all");
        List<String> wanted = providers.isEmpty() ? FIRST_PARTY : List.copyOf(providers);
        List<JsonNode> out = new ArrayList<>();
        for (String id : FIRST_PARTY) {
            for (JsonNode p : root) {
                if (p.path("id").asText().equals(id) && (all || wanted.contains(id))) {
                    out.add(p);
                }
            }
        }
        for (JsonNode p : root) {
            String id = p.path("id").asText();
            if (!FIRST_PARTY.contains(id) && (all || wanted.contains(id))) {
                out.add(p);
            }
        }
        for (String id : providers) { // the defaults may come and go; a provider asked for by name must be there
            if (!id.equals("all")
                    && out.stream().noneMatch(p -> p.path("id").asText().equals(id))) {
                throw new IllegalArgumentException("no provider '" + id + "' in the genai-prices data");
            }
        }
        return out;
    }

    private static Optional<SourceCatalog.Model> model(
            String providerId, String providerName, JsonNode m, String where) {
        String id = m.path("id").asText();
        JsonNode prices = m.get("prices");
        if (prices == null || prices.isNull()) {
            throw new IllegalArgumentException(where + ": no prices");
        }
        List<EffectivePrice> entries = new ArrayList<>();
        if (prices.isObject()) {
            price(prices, BundledCatalog.EARLY, where).ifPresent(entries::add);
        } else if (prices.isArray()) {
            for (JsonNode conditional : prices) {
                JsonNode constraint = conditional.get("constraint");
                Instant from = BundledCatalog.EARLY;
                if (constraint != null && !constraint.isNull()) {
                    String type = constraint.path("type").asText(constraint.has("start_date") ? "start_date" : "");
                    if (!type.equals("start_date")) {
                        // Off-peak hours: which price applies depends on the hour, which no contract price can say.
                        throw new Unrepresentable("priced by time of day (" + type + ")");
                    }
                    try {
                        from = LocalDate.parse(constraint.path("start_date").asText())
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant();
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException(where + ": start_date '"
                                + constraint.path("start_date").asText() + "' is not a date");
                    }
                }
                JsonNode p = conditional.get("prices");
                if (p == null || !p.isObject()) {
                    throw new IllegalArgumentException(where + ": a conditional price without prices");
                }
                price(p, from, where).ifPresent(entries::add);
            }
        } else {
            throw new IllegalArgumentException(where + ": prices is neither an object nor an array");
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        Set<String> equals = new LinkedHashSet<>();
        Set<String> prefixes = new LinkedHashSet<>();
        match(m.get("match"), equals, prefixes);
        equals.remove(id);
        List<String> candidates = new ArrayList<>();
        candidates.add(id);
        candidates.addAll(equals);
        prefixes.forEach(p -> candidates.add(p.replaceAll("[-@.:]+$", "")));
        // Vertex AI and Bedrock resell Claude (and Bedrock others' models): the company is the model's maker.
        String company = id.contains("claude")
                ? "Anthropic"
                : providerId.equals("aws") ? bedrockVendor(id, providerName) : providerName;
        return Optional.of(new SourceCatalog.Model(
                providerId + "/" + id, new ModelPrice(id, company, List.copyOf(equals), entries), candidates));
    }

    private static String bedrockVendor(String id, String fallback) {
        String s = id.replaceFirst("^(?:global|us|eu|apac|jp|au|ca)\\.", "");
        int dot = s.indexOf('.');
        return dot > 0 ? BEDROCK_VENDORS.getOrDefault(s.substring(0, dot), fallback) : fallback;
    }

    private static void match(JsonNode logic, Set<String> equals, Set<String> prefixes) {
        if (logic == null || !logic.isObject()) {
            return;
        }
        if (logic.has("equals")) {
            equals.add(logic.get("equals").asText());
        }
        if (logic.has("starts_with")) {
            prefixes.add(logic.get("starts_with").asText());
        }
        if (logic.has("or")) { // an "and" narrows a name down: none of its parts names the model alone
            logic.get("or").forEach(n -> match(n, equals, prefixes));
        }
    }

    private static Optional<EffectivePrice> price(JsonNode p, Instant from, String where) {
        Tiered input = tiered(p, "input_mtok", where);
        Tiered output = tiered(p, "output_mtok", where);
        if (input.base() == null && output.base() == null) {
            return Optional.empty();
        }
        Tiered cacheRead = tiered(p, "cache_read_mtok", where);
        Tiered cacheWrite = tiered(p, "cache_write_mtok", where);
        Tiered cacheWrite1h = tiered(p, "cache_write_1h_mtok", where);
        Tiered reasoning = tiered(p, "output_reasoning_mtok", where);
        Long above = null;
        for (Tiered t : List.of(input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning)) {
            if (t.above() != null) {
                if (above != null && !above.equals(t.above())) {
                    throw new Unrepresentable(
                            "tiers start at different input sizes (" + above + " and " + t.above() + ")");
                }
                above = t.above();
            }
        }
        LongContextPrice lc = above == null
                ? null
                : new LongContextPrice(
                        above,
                        input.tier(),
                        output.tier(),
                        cacheRead.tier(),
                        cacheWrite.tier(),
                        cacheWrite1h.tier(),
                        reasoning.tier());
        return Optional.of(new EffectivePrice(
                from,
                input.base(),
                output.base(),
                cacheRead.base(),
                cacheWrite.base(),
                cacheWrite1h.base(),
                reasoning.base(),
                lc));
    }

    /** A price with, optionally, one tier above {@code above} input tokens. */
    private record Tiered(BigDecimal base, Long above, BigDecimal tier) {}

    private static Tiered tiered(JsonNode p, String field, String where) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            return new Tiered(null, null, null);
        }
        if (!v.isObject()) {
            return new Tiered(Numbers.price(p, field, where), null, null);
        }
        BigDecimal base = Numbers.price(v, "base", where + "." + field);
        JsonNode tiers = v.get("tiers");
        if (tiers == null || !tiers.isArray() || tiers.isEmpty()) {
            return new Tiered(base, null, null);
        }
        if (tiers.size() > 1) {
            throw new Unrepresentable(
                    field + " has " + tiers.size() + " tiers; the contract has one long-context tier");
        }
        JsonNode t = tiers.get(0);
        if (!t.path("start").canConvertToLong() || t.path("start").asLong() < 0) {
            throw new IllegalArgumentException(where + "." + field + ".tiers[0].start is not a token count");
        }
        return new Tiered(base, t.path("start").asLong(), Numbers.price(t, "price", where + "." + field + ".tiers[0]"));
    }

    /** A model the contract cannot say: left out with the reason, the rest imported. */
    static final class Unrepresentable extends RuntimeException {
        Unrepresentable(String message) {
            super(message, null, false, false);
        }
    }
}
