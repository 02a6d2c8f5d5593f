package dev.agentmeter.cli.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.SubcommandGroup;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.validation.PriceValidator;
import dev.agentmeter.model.validation.Violation;
import dev.agentmeter.pricing.sources.GenAiPricesFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The price catalog is the compacted prices topic, keyed by modelKey. A price set here applies to
 * events priced after it arrives, for event timestamps from its {@code effectiveFrom} on.
 */
@Command(
        name = "prices",
        mixinStandardHelpOptions = true,
        description = "List, set or import model prices.",
        subcommands = {PricesCommand.ListPrices.class, PricesCommand.SetPrice.class, PricesCommand.ImportPrices.class})
public final class PricesCommand extends SubcommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Prices in force now, per million tokens.")
    static final class ListPrices implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            Map<String, byte[]> catalog = KafkaIo.readCompacted(endpoints.kafka, Topics.PRICES);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%-36s %-10s %10s %10s %10s %10s%n",
                            "model", "company", "input", "output", "cacheRead", "cacheWrite");
            for (byte[] value : catalog.values()) {
                ModelPrice m = ContractJson.fromBytes(value, ModelPrice.class);
                m.priceAt(Instant.now())
                        .ifPresent(p -> spec.commandLine()
                                .getOut()
                                .printf(
                                        "%-36s %-10s %10s %10s %10s %10s%n",
                                        m.modelKey(),
                                        m.company(),
                                        plain(p.inputPerMTok()),
                                        plain(p.outputPerMTok()),
                                        plain(p.cacheReadPerMTok()),
                                        plain(p.cacheWritePerMTok())));
            }
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Add a price (from --effective-from, default now) to a model, creating the model if new.")
    static final class SetPrice implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MODEL_KEY")
        String modelKey;

        @Option(names = "--input", required = true, paramLabel = "USD_PER_MTOK")
        BigDecimal input;

        @Option(names = "--output", required = true, paramLabel = "USD_PER_MTOK")
        BigDecimal output;

        @Option(names = "--cache-read", paramLabel = "USD_PER_MTOK")
        BigDecimal cacheRead;

        @Option(names = "--cache-write", paramLabel = "USD_PER_MTOK")
        BigDecimal cacheWrite;

        @Option(names = "--cache-write-1h", paramLabel = "USD_PER_MTOK")
        BigDecimal cacheWrite1h;

        @Option(names = "--reasoning", paramLabel = "USD_PER_MTOK")
        BigDecimal reasoning;

        @Option(names = "--company")
        String company;

        @Option(names = "--alias", paramLabel = "NAME", description = "Other names of the model (repeatable).")
        List<String> aliases = new ArrayList<>();

        @Option(
                names = "--effective-from",
                paramLabel = "INSTANT",
                description = "e.g. 2026-12-01T00:00:00Z (default now)")
        Instant effectiveFrom;

        @Override
        public void run() {
            EffectivePrice entry = new EffectivePrice(
                    effectiveFrom == null ? Instant.now() : effectiveFrom,
                    input,
                    output,
                    cacheRead,
                    cacheWrite,
                    cacheWrite1h,
                    reasoning,
                    null);
            // Refused here, before anything is published: the processor would reject it anyway.
            List<Violation> bad = PriceValidator.validate(new ModelPrice(modelKey, company, aliases, List.of(entry)));
            if (!bad.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(),
                        bad.stream().map(v -> flag(v.message())).collect(Collectors.joining("; "))
                                + "; nothing published");
            }
            byte[] existing =
                    KafkaIo.readCompacted(endpoints.kafka, Topics.PRICES).get(modelKey);
            ModelPrice current = existing == null
                    ? new ModelPrice(modelKey, company, aliases, List.of())
                    : ContractJson.fromBytes(existing, ModelPrice.class);
            List<EffectivePrice> prices = new ArrayList<>(current.prices());
            prices.add(entry);
            List<String> allAliases = new ArrayList<>(current.aliases());
            aliases.stream().filter(a -> !allAliases.contains(a)).forEach(allAliases::add);
            ModelPrice updated =
                    new ModelPrice(modelKey, company != null ? company : current.company(), allAliases, prices);
            KafkaIo.publish(endpoints.kafka, Topics.PRICES, modelKey, ContractJson.toBytes(updated));
            spec.commandLine().getOut().println("price set: " + ContractJson.toJson(updated));
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Import prices from a maintained catalog: genai-prices data (the @pydantic/genai-prices package's JSON,"
                        + " " + GenAiPricesFormat.DATA_URL
                        + "), LiteLLM's model_prices_and_context_window.json, or a JSON array of"
                        + " the contract's ModelPrice documents.",
                "A changed price becomes a new entry effective from now (never rewriting the past); a new model is published"
                        + " as the source dates it; a model the source no longer lists is reported, never removed. A bad or"
                        + " partial document publishes nothing and says why; everything is published in one transaction."
            })
    static final class ImportPrices implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE|URL", description = "A file (.gz too) or an http(s) URL.")
        String source;

        @Option(
                names = "--format",
                defaultValue = "auto",
                paramLabel = "FORMAT",
                description = "auto (default), genai-prices, litellm or contract.")
        String format;

        @Option(
                names = "--provider",
                paramLabel = "ID",
                description =
                        "Only this provider of the source (repeatable; genai-prices:"
                                + " default the first-party providers, 'all' for every one; LiteLLM: its litellm_provider, default all).")
        Set<String> providers = new LinkedHashSet<>();

        @Option(
                names = "--model",
                paramLabel = "MODEL",
                description = "Only this model (repeatable): a source id, a catalog key or a name the catalog finds.")
        Set<String> models = new LinkedHashSet<>();

        @Option(names = "--only-new", description = "Only models the catalog does not have yet.")
        boolean onlyNew;

        @Option(names = "--dry-run", description = "Print the differences against the live catalog; publish nothing.")
        boolean dryRun;

        @Option(names = "--json", description = "The differences as JSON.")
        boolean json;

        @Override
        public void run() {
            byte[] document;
            try {
                document = SourceDocuments.read(source);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage() + "; nothing published");
            }
            if (format.equals("contract") || (format.equals("auto") && SourceDocuments.isContractArray(document))) {
                importContract(document);
                return;
            }
            PriceImporter.Result result;
            try {
                result = PriceImporter.plan(
                        endpoints.kafka,
                        document,
                        format,
                        providers,
                        models,
                        onlyNew,
                        spec.commandLine().getErr());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), source + ": " + e.getMessage() + "; nothing published");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ImportReport.json(result.plan(), result.format(), !dryRun)
                        .toPrettyString());
            } else {
                ImportReport.table(out, result.plan(), result.format());
            }
            if (!dryRun) {
                int published = PriceImporter.publish(endpoints.kafka, result.plan());
                if (!json) {
                    out.println(
                            published == 0
                                    ? "nothing to publish: the catalog already has these prices"
                                    : "published " + published + " model(s) to " + Topics.PRICES);
                }
            }
        }

        private void importContract(byte[] document) {
            List<ModelPrice> entries;
            try {
                entries = ContractJson.mapper().readValue(document, new TypeReference<List<ModelPrice>>() {});
            } catch (IOException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "cannot read " + source + " as a JSON array of ModelPrice: " + e.getMessage()
                                + "; nothing published");
            }
            for (int i = 0; i < entries.size(); i++) {
                ModelPrice m = entries.get(i);
                List<Violation> bad = m == null
                        ? List.of(new Violation("", "required", "the entry is null"))
                        : PriceValidator.validate(m);
                if (!bad.isEmpty()) {
                    throw new ParameterException(
                            spec.commandLine(),
                            source + ": entry " + i + " (" + (m == null ? "null" : m.modelKey()) + "): "
                                    + bad.get(0).message() + "; nothing published");
                }
            }
            if (dryRun) {
                entries.forEach(m -> spec.commandLine().getOut().println("would publish " + m.modelKey()));
                return;
            }
            Map<String, byte[]> records = new LinkedHashMap<>();
            entries.forEach(m -> records.put(m.modelKey(), ContractJson.toBytes(m)));
            KafkaIo.publishAll(endpoints.kafka, Topics.PRICES, records);
            spec.commandLine().getOut().println("imported " + entries.size() + " model(s) from " + source);
        }
    }

    /** A validator's sentence in the flags' words: prices[0].inputPerMTok → --input. */
    private static String flag(String message) {
        return message.replace("prices[0].inputPerMTok", "--input")
                .replace("prices[0].outputPerMTok", "--output")
                .replace("prices[0].cacheReadPerMTok", "--cache-read")
                .replace("prices[0].cacheWritePerMTok", "--cache-write")
                .replace("prices[0].cacheWrite1hPerMTok", "--cache-write-1h")
                .replace("prices[0].reasoningPerMTok", "--reasoning")
                .replace("prices[0].effectiveFrom", "--effective-from")
                .replace("aliases[", "--alias[");
    }

    private static String plain(BigDecimal value) {
        return value == null ? "-" : value.toPlainString();
    }
}
