package dev.agentmeter.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog shipped in the jar ({@code agentmeter/models.json}, a copy of
 * {@code shared/pricing/models.json}), converted to the contract's ModelPrice shape. The reference
 * file has no dates: a price is effective from the release date found in the model's ids
 * ({@code -20250929}), else from {@link #EARLY}. Anthropic bills one-hour cache writes at twice the
 * input price, which the file does not list, so it is added here.
 *
 * <p>{@code agentmeter/price-adjustments.json} adds what the reference file lacks, each rule with
 * its source: service-tier prices (batch, flex, priority) and Bedrock's regional profiles. A model
 * billed more in a region gets an entry of its own, {@code <modelKey>-bedrock-regional}, holding
 * the {@code us.}/{@code eu.}/{@code jp.}/{@code apac.}/{@code au.} forms of its Bedrock ids; every
 * other Bedrock model lists those forms as aliases of its one price.
 */
public final class BundledCatalog {

    public static final String RESOURCE = "/agentmeter/models.json";
    public static final String ADJUSTMENTS = "/agentmeter/price-adjustments.json";
    /** The suffix of an entry holding a model's Bedrock regional prices. */
    public static final String BEDROCK_REGIONAL = "-bedrock-regional";

    public static final Instant EARLY = Instant.parse("2020-01-01T00:00:00Z");
    private static final Pattern DATE = Pattern.compile("(20\\d{2})(\\d{2})(\\d{2})");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    private BundledCatalog() {}

    public static List<ModelPrice> load() {
        return adjust(convert(read(RESOURCE)), read(ADJUSTMENTS));
    }

    private static JsonNode read(String resource) {
        try (InputStream in = BundledCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled price catalog " + resource + " is missing from the jar");
            }
            return ContractJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled price catalog " + resource, e);
        }
    }

    /** The reference entries with the tier prices and the Bedrock regional entries of {@code adjustments}. */
    static List<ModelPrice> adjust(List<ModelPrice> reference, JsonNode adjustments) {
        JsonNode regional = adjustments.path("bedrockRegional");
        BigDecimal regionalFactor = new BigDecimal(regional.path("factor").asText("1"));
        Set<String> regionalModels = texts(regional.path("models"));
        List<String> geoPrefixes = List.copyOf(texts(regional.path("geoPrefixes")));
        List<ModelPrice> out = new ArrayList<>();
        for (ModelPrice p : reference) {
            EffectivePrice standard = p.prices().get(0);
            List<String> bedrockIds = new ArrayList<>();
            List<String> aliases = new ArrayList<>();
            for (String id : concat(p.modelKey(), p.aliases())) {
                if (ModelNames.isRegional(id)) {
                    bedrockIds.add(id.substring(id.indexOf('.') + 1)); // eu.anthropic.… → anthropic.…
                } else {
                    if (!id.equals(p.modelKey())) {
                        aliases.add(id);
                    }
                    if (BEDROCK_ID.matcher(id).find()) {
                        bedrockIds.add(id.replaceFirst("^global\\.", ""));
                    }
                }
            }
            Set<String> geoForms = new LinkedHashSet<>();
            for (String id : bedrockIds) {
                for (String prefix : geoPrefixes) {
                    geoForms.add(prefix + id);
                }
            }
            if (regionalModels.contains(p.modelKey())) {
                out.add(new ModelPrice(
                        p.modelKey(), p.company(), aliases, List.of(withTiers(p, standard, adjustments))));
                EffectivePrice dearer = scaled(standard, regionalFactor);
                out.add(new ModelPrice(
                        p.modelKey() + BEDROCK_REGIONAL,
                        p.company(),
                        List.copyOf(geoForms),
                        List.of(withTiers(p, dearer, adjustments))));
            } else {
                aliases.addAll(geoForms);
                out.add(new ModelPrice(
                        p.modelKey(),
                        p.company(),
                        List.copyOf(new LinkedHashSet<>(aliases)),
                        List.of(withTiers(p, standard, adjustments))));
            }
        }
        return out;
    }

    private static final Pattern BEDROCK_ID =
            Pattern.compile("^(?:global\\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21)\\.");

    /** {@code price} with the tiers the adjustments give its model: discounts of the standard price, then explicit prices. */
    private static EffectivePrice withTiers(ModelPrice model, EffectivePrice price, JsonNode adjustments) {
        Map<String, TierPrice> tiers = new TreeMap<>();
        for (JsonNode rule : adjustments.path("tierDiscounts")) {
            JsonNode models = rule.path("models");
            boolean applies = rule.path("company").asText().equalsIgnoreCase(model.company())
                    && ((models.isTextual() && models.asText().equals("*"))
                            || texts(models).contains(model.modelKey()));
            if (applies) {
                EffectivePrice d =
                        scaled(price, new BigDecimal(rule.path("factor").asText()));
                tiers.put(
                        rule.path("tier").asText(),
                        new TierPrice(
                                d.inputPerMTok(),
                                d.outputPerMTok(),
                                d.cacheReadPerMTok(),
                                d.cacheWritePerMTok(),
                                d.cacheWrite1hPerMTok(),
                                d.reasoningPerMTok(),
                                d.longContext()));
            }
        }
        for (JsonNode t : adjustments.path("tierPrices")) {
            if (t.path("modelKey").asText().equals(model.modelKey())) {
                tiers.put(
                        t.path("tier").asText(),
                        new TierPrice(
                                money(t, "inputPerMTok"),
                                money(t, "outputPerMTok"),
                                money(t, "cacheReadPerMTok"),
                                money(t, "cacheWritePerMTok"),
                                money(t, "cacheWrite1hPerMTok"),
                                money(t, "reasoningPerMTok"),
                                null));
            }
        }
        return new EffectivePrice(
                price.effectiveFrom(),
                price.inputPerMTok(),
                price.outputPerMTok(),
                price.cacheReadPerMTok(),
                price.cacheWritePerMTok(),
                price.cacheWrite1hPerMTok(),
                price.reasoningPerMTok(),
                price.longContext(),
                tiers);
    }

    /** Every price of {@code p} times {@code factor}, its long-context tier included; no tiers. */
    private static EffectivePrice scaled(EffectivePrice p, BigDecimal factor) {
        LongContextPrice lc = p.longContext();
        LongContextPrice scaledLc = lc == null
                ? null
                : new LongContextPrice(
                        lc.aboveInputTokens(),
                        times(lc.inputPerMTok(), factor),
                        times(lc.outputPerMTok(), factor),
                        times(lc.cacheReadPerMTok(), factor),
                        times(lc.cacheWritePerMTok(), factor),
                        times(lc.cacheWrite1hPerMTok(), factor),
                        times(lc.reasoningPerMTok(), factor));
        return new EffectivePrice(
                p.effectiveFrom(),
                times(p.inputPerMTok(), factor),
                times(p.outputPerMTok(), factor),
                times(p.cacheReadPerMTok(), factor),
                times(p.cacheWritePerMTok(), factor),
                times(p.cacheWrite1hPerMTok(), factor),
                times(p.reasoningPerMTok(), factor),
                scaledLc);
    }

    private static BigDecimal times(BigDecimal price, BigDecimal factor) {
        if (price == null) {
            return null;
        }
        BigDecimal v = price.multiply(factor).stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    static List<ModelPrice> convert(JsonNode root) {
        List<ModelPrice> out = new ArrayList<>();
        for (JsonNode m : root) {
            List<String> aliases = new ArrayList<>();
            m.path("aliases").forEach(a -> aliases.add(a.asText()));
            boolean anthropic = "Anthropic".equalsIgnoreCase(m.path("company").asText());
            BigDecimal input = money(m, "inputPerMTok");
            LongContextPrice tier = null;
            JsonNode lc = m.get("longContext");
            if (lc != null && !lc.isNull()) {
                BigDecimal tierInput = money(lc, "inputPerMTok");
                tier = new LongContextPrice(
                        lc.path("aboveInputTokens").asLong(),
                        tierInput,
                        money(lc, "outputPerMTok"),
                        money(lc, "cacheReadPerMTok"),
                        money(lc, "cacheWritePerMTok"),
                        anthropic && tierInput != null ? tierInput.multiply(TWO) : money(lc, "cacheWrite1hPerMTok"),
                        money(lc, "reasoningPerMTok"));
            }
            EffectivePrice price = new EffectivePrice(
                    releaseDate(m, aliases),
                    input,
                    money(m, "outputPerMTok"),
                    money(m, "cacheReadPerMTok"),
                    money(m, "cacheWritePerMTok"),
                    anthropic && input != null ? input.multiply(TWO) : money(m, "cacheWrite1hPerMTok"),
                    money(m, "reasoningPerMTok"),
                    tier);
            out.add(new ModelPrice(
                    m.path("modelKey").asText(), m.path("company").asText(null), aliases, List.of(price)));
        }
        return out;
    }

    private static Instant releaseDate(JsonNode m, List<String> aliases) {
        List<String> ids = new ArrayList<>(aliases);
        ids.add(m.path("sourceKey").asText(""));
        Instant earliest = null;
        for (String id : ids) {
            Matcher d = DATE.matcher(id);
            while (d.find()) {
                try {
                    Instant at = LocalDate.of(
                                    Integer.parseInt(d.group(1)),
                                    Integer.parseInt(d.group(2)),
                                    Integer.parseInt(d.group(3)))
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant();
                    earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
                } catch (DateTimeException notADate) {
                    // eight digits that are not a date: ignore
                }
            }
        }
        return earliest != null ? earliest : EARLY;
    }

    private static BigDecimal money(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : new BigDecimal(v.asText());
    }
}
