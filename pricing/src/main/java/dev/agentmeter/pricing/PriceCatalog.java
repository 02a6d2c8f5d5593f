package dev.agentmeter.pricing;

import dev.agentmeter.model.ModelPrice;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable index over catalog entries: exact {@code modelKey}, then exact alias, then the
 * normalised form of either (see {@link ModelNames}). Rebuilt whenever the prices topic changes;
 * lookups are map gets.
 *
 * <p>A geographic or regional Bedrock name ({@code us.anthropic.…}, see
 * {@link ModelNames#isRegional}) is matched only against the regional aliases entries list, so it
 * never lands on a global price: an unknown regional form is unpriced, not priced as global.
 */
public final class PriceCatalog {

    public static final PriceCatalog EMPTY = new PriceCatalog(List.of());

    private final Map<String, ModelPrice> byKey = new HashMap<>();
    private final Map<String, ModelPrice> byAlias = new HashMap<>();
    private final Map<String, ModelPrice> byNormalised = new HashMap<>();
    private final Map<String, ModelPrice> byRegional = new HashMap<>();

    public PriceCatalog(Collection<ModelPrice> entries) {
        for (ModelPrice p : entries) {
            byKey.put(p.modelKey(), p);
        }
        for (ModelPrice p : entries) {
            for (String alias : p.aliases()) {
                byAlias.putIfAbsent(alias, p);
            }
        }
        // Keys win over aliases in the normalised index too, so "gpt-4o-2024-08-06" finds gpt-4o.
        for (ModelPrice p : entries) {
            byNormalised.putIfAbsent(ModelNames.normalise(p.modelKey()), p);
        }
        for (ModelPrice p : entries) {
            for (String alias : p.aliases()) {
                (ModelNames.isRegional(alias) ? byRegional : byNormalised).putIfAbsent(ModelNames.normalise(alias), p);
            }
        }
    }

    public Optional<ModelPrice> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        ModelPrice p = byKey.get(model);
        if (p == null) {
            p = byAlias.get(model);
        }
        if (p == null) {
            p = (ModelNames.isRegional(model) ? byRegional : byNormalised).get(ModelNames.normalise(model));
        }
        return Optional.ofNullable(p);
    }

    /** The entry whose key or alias is exactly {@code model}, without normalising it. */
    public Optional<ModelPrice> findExact(String model) {
        if (model == null) {
            return Optional.empty();
        }
        ModelPrice p = byKey.get(model);
        return Optional.ofNullable(p != null ? p : byAlias.get(model));
    }

    /** The catalog's model keys, sorted. */
    public List<String> modelKeys() {
        return byKey.keySet().stream().sorted().toList();
    }

    public int size() {
        return byKey.size();
    }
}
