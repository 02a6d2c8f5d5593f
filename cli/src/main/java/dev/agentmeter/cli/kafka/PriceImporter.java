package dev.agentmeter.cli.kafka;

import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.sources.PriceImport;
import dev.agentmeter.pricing.sources.SourceCatalog;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An import of a maintained catalog against the prices topic, for {@code prices import} and {@code up --prices-from}. */
public final class PriceImporter {

    /** The source's format and what importing it would do. */
    public record Result(String format, PriceImport.Plan plan) {}

    private PriceImporter() {}

    /**
     * What importing the document would change in the prices topic, read now; nothing is published.
     *
     * @throws IllegalArgumentException when the document is bad or partial: nothing may be published then
     */
    public static Result plan(
            String bootstrap,
            byte[] document,
            String format,
            Set<String> providers,
            Set<String> models,
            boolean onlyNew,
            PrintWriter err) {
        SourceCatalog catalog = PriceImport.read(document, format, providers);
        return new Result(
                catalog.format(), PriceImport.plan(live(bootstrap, err), catalog, Instant.now(), onlyNew, models));
    }

    /** Publishes the plan's entries in one transaction; returns how many. */
    public static int publish(String bootstrap, PriceImport.Plan plan) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        plan.toPublish().forEach(m -> records.put(m.modelKey(), ContractJson.toBytes(m)));
        KafkaIo.publishAll(bootstrap, Topics.PRICES, records);
        return records.size();
    }

    /** The prices topic now; the bundled catalog when nothing has seeded it yet (the processor seeds it on start). */
    static List<ModelPrice> live(String bootstrap, PrintWriter err) {
        List<ModelPrice> live = new ArrayList<>();
        for (Map.Entry<String, byte[]> e :
                KafkaIo.readCompacted(bootstrap, Topics.PRICES).entrySet()) {
            try {
                live.add(ContractJson.fromBytes(e.getValue(), ModelPrice.class));
            } catch (RuntimeException unreadable) {
                err.println(Topics.PRICES + ": entry '" + e.getKey() + "' is unreadable, ignored: "
                        + unreadable.getMessage());
            }
        }
        if (live.isEmpty()) {
            err.println(Topics.PRICES + " is empty: comparing with the bundled catalog");
            live.addAll(BundledCatalog.load());
        }
        return live;
    }
}
