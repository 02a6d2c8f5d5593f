package dev.agentmeter.pricing.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.model.TokenPrices;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.PriceValidator;
import dev.agentmeter.model.validation.Violation;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.ModelNames;
import dev.agentmeter.pricing.PriceCatalog;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What importing a maintained catalog would change in the live one, and the entries to publish.
 * The past is never rewritten: a model already in the catalog whose price differs gets a new
 * entry effective from the import (or from the source's own later dates); a new model is
 * published as the source dates it; a model the source no longer lists is reported, not removed.
 * Re-importing the same document changes nothing.
 */
public final class PriceImport {

    public enum Kind {
        NEW,
        CHANGED,
        UNCHANGED,
        REMOVED
    }

    /** One model's outcome: the price in force now before and after (null where there is none). */
    public record Change(Kind kind, String modelKey, String source, EffectivePrice before, EffectivePrice after) {}

    /** The changes, the entries to publish (whole ModelPrice documents, keyed by modelKey) and what was left out. */
    public record Plan(List<Change> changes, List<ModelPrice> toPublish, List<String> skipped) {
        public long count(Kind kind) {
            return changes.stream().filter(c -> c.kind() == kind).count();
        }
    }

    private PriceImport() {}

    /** Reads a document in {@code format} ({@code auto}, {@code genai-prices} or {@code litellm}). */
    public static SourceCatalog read(byte[] document, String format, Set<String> providers) {
        JsonNode root;
        try {
            root = ContractJson.mapper().readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " at line " + e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("the document is empty");
        }
        String f = format == null ? "auto" : format;
        if (f.equals("auto")) {
            f = GenAiPricesFormat.matches(root)
                    ? GenAiPricesFormat.NAME
                    : LiteLlmFormat.matches(root) ? LiteLlmFormat.NAME : null;
            if (f == null) {
                throw new IllegalArgumentException(
                        "neither genai-prices data (an array of providers) nor LiteLLM prices"
                                + " (an object of models with input_cost_per_token)");
            }
        }
        SourceCatalog catalog = switch (f) {
            case GenAiPricesFormat.NAME -> GenAiPricesFormat.read(root, providers);
            case LiteLlmFormat.NAME -> LiteLlmFormat.read(root, providers);
            default ->
                throw new IllegalArgumentException("unknown format " + format + ": auto, genai-prices or litellm");
        };
        if (catalog.models().isEmpty()) {
            throw new IllegalArgumentException("no model with token prices in the document");
        }
        return catalog;
    }

    /**
     * What the source would change in the catalog: new models, changed prices, and what it skips.
     *
     * @param live   the catalog now (the prices topic), by modelKey
     * @param models only these models (source ids, catalog keys or names the catalog finds); empty: all
     * @throws IllegalArgumentException naming the first entry the contract refuses (then nothing may be published)
     */
    public static Plan plan(
            Collection<ModelPrice> live, SourceCatalog source, Instant now, boolean onlyNew, Set<String> models) {
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        PriceCatalog catalog = new PriceCatalog(live);
        Set<String> wanted = new HashSet<>();
        models.forEach(m -> {
            wanted.add(m);
            catalog.find(m).ifPresent(p -> wanted.add(p.modelKey()));
        });
        List<Change> changes = new ArrayList<>();
        List<ModelPrice> publish = new ArrayList<>();
        List<String> skipped = new ArrayList<>(source.skipped());
        Set<String> claimed = new HashSet<>();
        Set<String> companies = new HashSet<>();
        // Who claims a catalog entry two models of the source map to: the model's maker before a reseller (Anthropic's
        // Claude before Vertex AI's and Bedrock's), then the name the catalog has exactly before one that only
        // normalises to it (gpt-4o before gpt-4o-2024-05-13, which OpenAI prices apart), then the source's order.
        Map<SourceCatalog.Model, Optional<ModelPrice>> targets = new HashMap<>();
        for (SourceCatalog.Model m : source.models()) {
            targets.put(
                    m,
                    m.candidates().stream()
                            .map(catalog::find)
                            .flatMap(Optional::stream)
                            .filter(p -> !p.modelKey().endsWith(BundledCatalog.BEDROCK_REGIONAL)
                                    || ModelNames.isRegional(m.price().modelKey()))
                            .findFirst());
        }
        List<SourceCatalog.Model> ordered = new ArrayList<>(source.models());
        ordered.sort(Comparator.<SourceCatalog.Model, Boolean>comparing(
                        m -> !m.sourceId().startsWith(maker(m)))
                .thenComparing(m -> catalog.findExact(m.price().modelKey()).isEmpty()));
        for (SourceCatalog.Model m : ordered) {
            Optional<ModelPrice> target = targets.get(m);
            String key = target.map(ModelPrice::modelKey).orElse(m.price().modelKey());
            if (!wanted.isEmpty()
                    && !wanted.contains(key)
                    && !wanted.contains(m.price().modelKey())
                    && !wanted.contains(m.sourceId())) {
                continue;
            }
            if (m.price().company() != null) {
                companies.add(m.price().company());
            }
            if (!claimed.add(key)) {
                skipped.add(m.sourceId() + ": " + key + " is priced by an earlier entry of the source");
                continue;
            }
            List<Violation> bad = PriceValidator.validate(m.price());
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(
                        m.sourceId() + ": " + bad.get(0).message());
            }
            if (target.isEmpty()) {
                changes.add(new Change(
                        Kind.NEW, key, m.sourceId(), null, m.price().priceAt(at).orElse(null)));
                publish.add(m.price());
                continue;
            }
            if (onlyNew) {
                continue;
            }
            ModelPrice current = target.get();
            EffectivePrice before = current.priceAt(at).orElse(null);
            EffectivePrice importedNow =
                    m.price().priceAt(at).map(p -> inherit(p, before)).orElse(null);
            List<EffectivePrice> added = new ArrayList<>();
            if (importedNow != null && (before == null || !samePrices(before, importedNow))) {
                added.add(dated(importedNow, at, before));
            }
            for (EffectivePrice later : m.price().prices()) {
                boolean known = current.prices().stream()
                        .anyMatch(p -> p.effectiveFrom().equals(later.effectiveFrom()) && samePrices(p, later));
                if (later.effectiveFrom().isAfter(at) && !known) {
                    added.add(dated(inherit(later, before), later.effectiveFrom(), before));
                }
            }
            if (added.isEmpty()) {
                changes.add(new Change(Kind.UNCHANGED, key, m.sourceId(), before, before));
                continue;
            }
            List<EffectivePrice> prices = new ArrayList<>(current.prices());
            prices.addAll(added);
            Set<String> aliases = new LinkedHashSet<>(current.aliases());
            m.price().aliases().stream()
                    .filter(a -> !ModelNames.isRegional(a) || key.endsWith(BundledCatalog.BEDROCK_REGIONAL))
                    .forEach(aliases::add);
            aliases.remove(key);
            ModelPrice updated = new ModelPrice(
                    key,
                    current.company() != null ? current.company() : m.price().company(),
                    List.copyOf(aliases),
                    prices);
            changes.add(new Change(
                    Kind.CHANGED, key, m.sourceId(), before, updated.priceAt(at).orElse(null)));
            publish.add(updated);
        }
        if (wanted.isEmpty()) {
            source.unrepresented().forEach(id -> catalog.find(id).ifPresent(p -> claimed.add(p.modelKey())));
            for (ModelPrice p : live) {
                if (!claimed.contains(p.modelKey())
                        && p.company() != null
                        && companies.contains(p.company())
                        && !p.modelKey().endsWith(BundledCatalog.BEDROCK_REGIONAL)) {
                    changes.add(new Change(
                            Kind.REMOVED, p.modelKey(), null, p.priceAt(at).orElse(null), null));
                }
            }
        }
        changes.sort(Comparator.comparing(Change::kind).thenComparing(Change::modelKey));
        return new Plan(changes, publish, skipped);
    }

    /**
     * {@code p} with what it leaves out taken from {@code previous}: a source that does not state a
     * price (LiteLLM has no one-hour cache write above 200k tokens) does not know it, so the catalog's
     * stands. A long-context tier the source lacks as a whole is compared as absent.
     */
    private static EffectivePrice inherit(EffectivePrice p, EffectivePrice previous) {
        if (previous == null) {
            return p;
        }
        LongContextPrice lc = p.longContext();
        LongContextPrice old = previous.longContext();
        if (lc != null && old != null && lc.aboveInputTokens() == old.aboveInputTokens()) {
            lc = new LongContextPrice(
                    lc.aboveInputTokens(),
                    or(lc.inputPerMTok(), old.inputPerMTok()),
                    or(lc.outputPerMTok(), old.outputPerMTok()),
                    or(lc.cacheReadPerMTok(), old.cacheReadPerMTok()),
                    or(lc.cacheWritePerMTok(), old.cacheWritePerMTok()),
                    or(lc.cacheWrite1hPerMTok(), old.cacheWrite1hPerMTok()),
                    or(lc.reasoningPerMTok(), old.reasoningPerMTok()));
        }
        return new EffectivePrice(
                p.effectiveFrom(),
                or(p.inputPerMTok(), previous.inputPerMTok()),
                or(p.outputPerMTok(), previous.outputPerMTok()),
                or(p.cacheReadPerMTok(), previous.cacheReadPerMTok()),
                or(p.cacheWritePerMTok(), previous.cacheWritePerMTok()),
                or(p.cacheWrite1hPerMTok(), previous.cacheWrite1hPerMTok()),
                or(p.reasoningPerMTok(), previous.reasoningPerMTok()),
                lc,
                p.serviceTiers());
    }

    /** The genai-prices / LiteLLM provider id of a model's maker, from its company ("" when not known). */
    private static String maker(SourceCatalog.Model m) {
        String c = m.price().company() == null ? "" : m.price().company().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "xai" -> "x-ai/";
            case "amazon" -> "aws/";
            case "" -> "\u0000";
            default -> c + "/";
        };
    }

    /**
     * The imported prices from {@code from}; tiers the source does not know (most sources name none)
     * are kept from the price they follow, so an import never drops a tier price the catalog had.
     */
    private static EffectivePrice dated(EffectivePrice p, Instant from, EffectivePrice previous) {
        Map<String, TierPrice> tiers =
                p.serviceTiers() != null || previous == null ? p.serviceTiers() : previous.serviceTiers();
        return new EffectivePrice(
                from,
                p.inputPerMTok(),
                p.outputPerMTok(),
                p.cacheReadPerMTok(),
                p.cacheWritePerMTok(),
                p.cacheWrite1hPerMTok(),
                p.reasoningPerMTok(),
                p.longContext(),
                tiers);
    }

    /** The same prices, numerically ({@code 3} = {@code 3.00}); tiers compared only where the source names some. */
    static boolean samePrices(EffectivePrice a, EffectivePrice b) {
        boolean base = sameBilled(a, b) && same(a.longContext(), b.longContext());
        if (!base || b.serviceTiers() == null) {
            return base;
        }
        Map<String, TierPrice> x = a.serviceTiers() == null ? Map.of() : a.serviceTiers();
        Map<String, TierPrice> y = b.serviceTiers();
        if (!x.keySet().equals(y.keySet())) {
            return false;
        }
        for (String tier : y.keySet()) {
            TierPrice s = x.get(tier);
            TierPrice t = y.get(tier);
            if (!(sameBilled(s, t) && same(s.longContext(), t.longContext()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(LongContextPrice a, LongContextPrice b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        return a.aboveInputTokens() == b.aboveInputTokens() && sameBilled(a, b);
    }

    /**
     * Whether two sets of prices bill every token the same after the contract's fallbacks (a missing
     * reasoning price is the output price, a missing cache price the input price): a source that
     * leaves out what the catalog spells out changes nothing.
     */
    /** The same billed prices once each side's nulls follow the fallback chain. */
    private static boolean sameBilled(TokenPrices a, TokenPrices b) {
        BigDecimal in1 = a.inputPerMTok();
        BigDecimal in2 = b.inputPerMTok();
        BigDecimal out1 = a.outputPerMTok();
        BigDecimal out2 = b.outputPerMTok();
        BigDecimal write1 = or(a.cacheWritePerMTok(), in1);
        BigDecimal write2 = or(b.cacheWritePerMTok(), in2);
        return same(in1, in2)
                && same(out1, out2)
                && same(or(a.cacheReadPerMTok(), in1), or(b.cacheReadPerMTok(), in2))
                && same(write1, write2)
                && same(or(a.cacheWrite1hPerMTok(), write1), or(b.cacheWrite1hPerMTok(), write2))
                && same(or(a.reasoningPerMTok(), out1), or(b.reasoningPerMTok(), out2));
    }

    private static BigDecimal or(BigDecimal value, BigDecimal fallback) {
        return value != null ? value : fallback;
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
