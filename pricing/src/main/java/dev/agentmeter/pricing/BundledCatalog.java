package dev.agentmeter.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog shipped in the jar ({@code agentmeter/models.json}, a copy of
 * {@code shared/pricing/models.json}), converted to the contract's ModelPrice shape. The reference
 * file has no dates: a price is effective from the release date found in the model's ids
 * ({@code -20250929}), else from {@link #EARLY}. Anthropic bills one-hour cache writes at twice the
 * input price, which the file does not list, so it is added here.
 */
public final class BundledCatalog {

    public static final String RESOURCE = "/agentmeter/models.json";
    public static final Instant EARLY = Instant.parse("2020-01-01T00:00:00Z");
    private static final Pattern DATE = Pattern.compile("(20\\d{2})(\\d{2})(\\d{2})");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    private BundledCatalog() {
    }

    public static List<ModelPrice> load() {
        try (InputStream in = BundledCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled price catalog " + RESOURCE + " is missing from the jar");
            }
            return convert(ContractJson.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled price catalog", e);
        }
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
                tier = new LongContextPrice(lc.path("aboveInputTokens").asLong(), tierInput, money(lc, "outputPerMTok"),
                        money(lc, "cacheReadPerMTok"), money(lc, "cacheWritePerMTok"),
                        anthropic && tierInput != null ? tierInput.multiply(TWO) : money(lc, "cacheWrite1hPerMTok"),
                        money(lc, "reasoningPerMTok"));
            }
            EffectivePrice price = new EffectivePrice(releaseDate(m, aliases), input, money(m, "outputPerMTok"),
                    money(m, "cacheReadPerMTok"), money(m, "cacheWritePerMTok"),
                    anthropic && input != null ? input.multiply(TWO) : money(m, "cacheWrite1hPerMTok"),
                    money(m, "reasoningPerMTok"), tier);
            out.add(new ModelPrice(m.path("modelKey").asText(), m.path("company").asText(null), aliases, List.of(price)));
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
                    Instant at = LocalDate.of(Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)),
                            Integer.parseInt(d.group(3))).atStartOfDay(ZoneOffset.UTC).toInstant();
                    earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
                } catch (java.time.DateTimeException notADate) {
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
