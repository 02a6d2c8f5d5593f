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
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
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
@Command(name = "prices", mixinStandardHelpOptions = true, description = "List, set or import model prices.",
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
            spec.commandLine().getOut().printf("%-36s %-10s %10s %10s %10s %10s%n", "model", "company", "input", "output", "cacheRead", "cacheWrite");
            for (byte[] value : catalog.values()) {
                ModelPrice m = ContractJson.fromBytes(value, ModelPrice.class);
                m.priceAt(Instant.now()).ifPresent(p -> spec.commandLine().getOut().printf("%-36s %-10s %10s %10s %10s %10s%n",
                        m.modelKey(), m.company(), plain(p.inputPerMTok()), plain(p.outputPerMTok()),
                        plain(p.cacheReadPerMTok()), plain(p.cacheWritePerMTok())));
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Add a price (from --effective-from, default now) to a model, creating the model if new.")
    static final class SetPrice implements Runnable {
        @Mixin
        Endpoints endpoints;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "MODEL_KEY") String modelKey;
        @Option(names = "--input", required = true, paramLabel = "USD_PER_MTOK") BigDecimal input;
        @Option(names = "--output", required = true, paramLabel = "USD_PER_MTOK") BigDecimal output;
        @Option(names = "--cache-read", paramLabel = "USD_PER_MTOK") BigDecimal cacheRead;
        @Option(names = "--cache-write", paramLabel = "USD_PER_MTOK") BigDecimal cacheWrite;
        @Option(names = "--cache-write-1h", paramLabel = "USD_PER_MTOK") BigDecimal cacheWrite1h;
        @Option(names = "--reasoning", paramLabel = "USD_PER_MTOK") BigDecimal reasoning;
        @Option(names = "--company") String company;
        @Option(names = "--alias", paramLabel = "NAME", description = "Other names of the model (repeatable).") List<String> aliases = new ArrayList<>();
        @Option(names = "--effective-from", paramLabel = "INSTANT", description = "e.g. 2026-12-01T00:00:00Z (default now)")
        Instant effectiveFrom;

        @Override
        public void run() {
            EffectivePrice entry = new EffectivePrice(effectiveFrom == null ? Instant.now() : effectiveFrom,
                    input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, null);
            // Refused here, before anything is published: the processor would reject it anyway.
            List<Violation> bad = PriceValidator.validate(new ModelPrice(modelKey, company, aliases, List.of(entry)));
            if (!bad.isEmpty()) {
                throw new ParameterException(spec.commandLine(), bad.stream().map(v -> flag(v.message()))
                        .collect(Collectors.joining("; ")) + "; nothing published");
            }
            byte[] existing = KafkaIo.readCompacted(endpoints.kafka, Topics.PRICES).get(modelKey);
            ModelPrice current = existing == null ? new ModelPrice(modelKey, company, aliases, List.of())
                    : ContractJson.fromBytes(existing, ModelPrice.class);
            List<EffectivePrice> prices = new ArrayList<>(current.prices());
            prices.add(entry);
            List<String> allAliases = new ArrayList<>(current.aliases());
            aliases.stream().filter(a -> !allAliases.contains(a)).forEach(allAliases::add);
            ModelPrice updated = new ModelPrice(modelKey, company != null ? company : current.company(), allAliases, prices);
            KafkaIo.publish(endpoints.kafka, Topics.PRICES, modelKey, ContractJson.toBytes(updated));
            spec.commandLine().getOut().println("price set: " + ContractJson.toJson(updated));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Publish every entry of a JSON array of ModelPrice documents (the contract's shape).")
    static final class ImportPrices implements Runnable {
        @Mixin
        Endpoints endpoints;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE") Path file;

        @Override
        public void run() {
            List<ModelPrice> entries;
            try {
                entries = ContractJson.mapper().readValue(Files.readAllBytes(file), new TypeReference<List<ModelPrice>>() { });
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file + " as a JSON array of ModelPrice: " + e.getMessage());
            }
            for (int i = 0; i < entries.size(); i++) {
                ModelPrice m = entries.get(i);
                List<Violation> bad = m == null ? List.of(new Violation("", "required", "the entry is null"))
                        : PriceValidator.validate(m);
                if (!bad.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), file + ": entry " + i + " ("
                            + (m == null ? "null" : m.modelKey()) + "): " + bad.get(0).message() + "; nothing published");
                }
            }
            for (ModelPrice m : entries) {
                KafkaIo.publish(endpoints.kafka, Topics.PRICES, m.modelKey(), ContractJson.toBytes(m));
            }
            spec.commandLine().getOut().println("imported " + entries.size() + " model(s) from " + file);
        }
    }

    /** A validator's sentence in the flags' words: prices[0].inputPerMTok → --input. */
    private static String flag(String message) {
        return message.replace("prices[0].inputPerMTok", "--input").replace("prices[0].outputPerMTok", "--output")
                .replace("prices[0].cacheReadPerMTok", "--cache-read").replace("prices[0].cacheWritePerMTok", "--cache-write")
                .replace("prices[0].cacheWrite1hPerMTok", "--cache-write-1h")
                .replace("prices[0].reasoningPerMTok", "--reasoning").replace("prices[0].effectiveFrom", "--effective-from")
                .replace("aliases[", "--alias[");
    }

    private static String plain(BigDecimal value) {
        return value == null ? "-" : value.toPlainString();
    }
}
