package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.sources.PriceImport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** How {@code prices import} shows its plan: a table of the models that differ, or JSON with every change. */
final class ImportReport {

    private ImportReport() {}

    static void table(PrintWriter out, PriceImport.Plan plan, String format) {
        out.printf(
                "%s: %d new, %d changed, %d unchanged, %d no longer listed (kept), %d left out%n",
                format,
                plan.count(PriceImport.Kind.NEW),
                plan.count(PriceImport.Kind.CHANGED),
                plan.count(PriceImport.Kind.UNCHANGED),
                plan.count(PriceImport.Kind.REMOVED),
                plan.skipped().size());
        out.printf("%-9s %-40s %s%n", "change", "model", "prices per million tokens (before → after)");
        for (PriceImport.Change c : plan.changes()) {
            if (c.kind() == PriceImport.Kind.UNCHANGED) {
                continue;
            }
            out.printf("%-9s %-40s %s%n", c.kind().name().toLowerCase(Locale.ROOT), c.modelKey(), differences(c));
        }
        plan.skipped().forEach(s -> out.println("left out  " + s));
    }

    /** The fields that differ, as "input 0.5 → 2"; for a new or removed model every price it has. */
    static String differences(PriceImport.Change c) {
        List<String> parts = new ArrayList<>();
        field(parts, "input", c, EffectivePrice::inputPerMTok);
        field(parts, "output", c, EffectivePrice::outputPerMTok);
        field(parts, "cacheRead", c, EffectivePrice::cacheReadPerMTok);
        field(parts, "cacheWrite", c, EffectivePrice::cacheWritePerMTok);
        field(parts, "cacheWrite1h", c, EffectivePrice::cacheWrite1hPerMTok);
        field(parts, "reasoning", c, EffectivePrice::reasoningPerMTok);
        boolean lcBefore = c.before() != null && c.before().longContext() != null;
        boolean lcAfter = c.after() != null && c.after().longContext() != null;
        if (lcBefore != lcAfter
                || (lcBefore && !c.before().longContext().equals(c.after().longContext()))) {
            parts.add("longContext "
                    + (lcBefore ? "above " + c.before().longContext().aboveInputTokens() : "-") + " → "
                    + (lcAfter ? "above " + c.after().longContext().aboveInputTokens() : "-"));
        }
        if (c.after() != null && c.after().effectiveFrom() != null && c.kind() == PriceImport.Kind.CHANGED) {
            parts.add("from " + c.after().effectiveFrom());
        }
        return String.join(", ", parts);
    }

    private static void field(
            List<String> parts, String name, PriceImport.Change c, Function<EffectivePrice, BigDecimal> f) {
        BigDecimal before = c.before() == null ? null : f.apply(c.before());
        BigDecimal after = c.after() == null ? null : f.apply(c.after());
        boolean same = before == null ? after == null : after != null && before.compareTo(after) == 0;
        if (!same || (c.kind() == PriceImport.Kind.NEW && after != null)) {
            parts.add(name + " " + plain(before) + " → " + plain(after));
        }
    }

    private static String plain(BigDecimal v) {
        return v == null ? "-" : v.toPlainString();
    }

    static ObjectNode json(PriceImport.Plan plan, String format, boolean published) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        root.put("format", format);
        root.put("published", published && !plan.toPublish().isEmpty());
        ObjectNode counts = root.putObject("counts");
        for (PriceImport.Kind k : PriceImport.Kind.values()) {
            counts.put(k.name().toLowerCase(Locale.ROOT), plan.count(k));
        }
        ArrayNode changes = root.putArray("changes");
        for (PriceImport.Change c : plan.changes()) {
            ObjectNode n = changes.addObject();
            n.put("change", c.kind().name().toLowerCase(Locale.ROOT));
            n.put("modelKey", c.modelKey());
            n.put("source", c.source());
            n.set("before", ContractJson.mapper().valueToTree(c.before()));
            n.set("after", ContractJson.mapper().valueToTree(c.after()));
        }
        ArrayNode skipped = root.putArray("leftOut");
        plan.skipped().forEach(skipped::add);
        return root;
    }
}
