package dev.agentmeter.pricing.sources;

import dev.agentmeter.model.ModelPrice;
import java.util.List;

/**
 * A maintained public catalog read into the contract's shape: its models, each with the ids the
 * source itself matches it by ({@code candidates}, used to find it in the live catalog), and what
 * could not be represented, with the reason.
 */
public record SourceCatalog(String format, List<Model> models, List<String> skipped, List<String> unrepresented) {

    /** @param unrepresented ids of the models left out (so that they are not reported as removed) */
    public SourceCatalog {
        models = List.copyOf(models);
        skipped = List.copyOf(skipped);
        unrepresented = List.copyOf(unrepresented);
    }

    /** One model of the source: its price entry and the names to look it up by, best first. */
    public record Model(String sourceId, ModelPrice price, List<String> candidates) {
        public Model {
            candidates = List.copyOf(candidates);
        }
    }
}
