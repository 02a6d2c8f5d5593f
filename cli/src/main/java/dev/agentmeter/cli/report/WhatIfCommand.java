package dev.agentmeter.cli.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.Csv;
import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.WhatIf;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.OutputOptions;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.pricing.Pricer;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Re-prices stored usage under hypothetical changes and shows old vs new totals per group, exact.
 *
 * <ul>
 *   <li>{@code --input-price-change +50%}: the row's input-side cost (input, cache read, cache write)
 *       changes by that fraction; {@code --output-price-change} likewise for output (incl. reasoning).
 *       The change is added to what was billed, so provider-reported rows move by the same delta.</li>
 *   <li>{@code --replace-model A=B}: rows of model A are priced as model B (bundled catalog, at the
 *       row's timestamp, all contract rules), replacing what was billed.</li>
 * </ul>
 */
@Command(
        name = "what-if",
        mixinStandardHelpOptions = true,
        description = "Re-price stored usage: price changes or a model swap; old vs new totals.")
public final class WhatIfCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Mixin
    ReportOptions scope;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            description = "Apply the price changes to this model only: a name, an alias, a catalog key,"
                    + " or a family (sonnet, haiku, gpt-4o, …: every catalog model with that part in its key).")
    String model;

    @Option(names = "--input-price-change", paramLabel = "±N%")
    String inputChange;

    @Option(names = "--output-price-change", paramLabel = "±N%")
    String outputChange;

    @Option(
            names = "--replace-model",
            paramLabel = "A=B",
            description = "Price model A's usage as model B (repeatable).")
    List<String> replacements = new ArrayList<>();

    @Option(
            names = "--group-by",
            defaultValue = "model",
            description = "Grouping of the comparison (default ${DEFAULT-VALUE}).")
    String groupBy;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--default-price-input",
            paramLabel = "USD_PER_MTOK",
            defaultValue = "${env:AGENTMETER_DEFAULT_PRICE_INPUT_PER_MTOK:-3}",
            description =
                    "What the processor bills per million input tokens of a model no catalog knows, as its"
                            + " default.price.input.per.mtok (env AGENTMETER_DEFAULT_PRICE_INPUT_PER_MTOK; default ${DEFAULT-VALUE}).")
    BigDecimal defaultInput;

    @Option(
            names = "--default-price-output",
            paramLabel = "USD_PER_MTOK",
            defaultValue = "${env:AGENTMETER_DEFAULT_PRICE_OUTPUT_PER_MTOK:-15}",
            description =
                    "Likewise for output tokens (env AGENTMETER_DEFAULT_PRICE_OUTPUT_PER_MTOK; default ${DEFAULT-VALUE}).")
    BigDecimal defaultOutput;

    @Option(
            names = "--free-provider",
            paramLabel = "PROVIDER",
            split = ",",
            defaultValue = "${env:AGENTMETER_FREE_PROVIDERS:-lmstudio,ollama}",
            description = "Providers billed nothing, as the processor's free.providers (env AGENTMETER_FREE_PROVIDERS;"
                    + " default ${DEFAULT-VALUE}).")
    Set<String> freeProviders;

    @Option(
            names = "--prices",
            defaultValue = "topic",
            paramLabel = "topic|bundled",
            description =
                    "Prices for --replace-model: those in force in the prices topic (over the bundled catalog; the"
                            + " bundled one alone when Kafka cannot be read), or the bundled catalog only. Default ${DEFAULT-VALUE}.")
    String prices;

    @Override
    public void run() {
        OutputOptions.Output format = output.format();
        BigDecimal inputFactor = percent("--input-price-change", inputChange);
        BigDecimal outputFactor = percent("--output-price-change", outputChange);
        PrintWriter err = spec.commandLine().getErr();
        for (String r : replacements) { // the form first: no need to reach Kafka to say A=B is malformed
            if (r == null || r.indexOf('=') <= 0 || r.indexOf('=') == r.length() - 1) {
                throw new ParameterException(
                        spec.commandLine(), "--replace-model must be A=B (e.g. gpt-4o=gpt-4o-mini), not " + r);
            }
        }
        PriceCatalog catalog = catalog(err);
        Map<String, String> swaps = swaps(catalog);
        if (inputFactor.signum() == 0 && outputFactor.signum() == 0 && swaps.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give a change: --input-price-change, --output-price-change or --replace-model");
        }
        GroupBy grouping;
        try {
            grouping = GroupBy.parse(groupBy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        WhatIf.ModelMatch match = WhatIf.resolveModels(model, catalog);
        if (match.family()) {
            err.println("what-if: --model " + model + " is the family " + String.join(", ", match.models()));
        }
        Instant now = Instant.now();
        Window window = scope.window(now);
        WhatIf.Scenario scenario = new WhatIf.Scenario(match.models(), inputFactor, outputFactor, swaps);
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            WhatIf engine = new WhatIf(catalog, new Pricer(defaultInput, defaultOutput, freeProviders));
            List<WhatIf.Comparison> rows =
                    engine.compare(c, scope.table, window, grouping, scope.filters(null), scenario);
            if (model != null
                    && !swapsOnly(inputFactor, outputFactor)
                    && totalDelta(rows).signum() == 0) {
                err.println("what-if: warning: --model " + model + " matches no usage in " + window.label()
                        + (match.inCatalog() ? "" : " and no model in the price catalog") + "; nothing changes");
            }
            Window month = Window.named("this-month", window.zone(), now);
            Projection projection = Projection.of(
                    engine.compare(c, scope.table, month, grouping, scope.filters(null), scenario), month, now);
            PrintWriter out = spec.commandLine().getOut();
            switch (format) {
                case json -> out.println(json(grouping, window, rows, projection));
                case csv -> csv(out, grouping, rows);
                case table -> {
                    print(out, grouping, rows);
                    out.printf(
                            "%nmonth-end projection at this month's pace (%s so far): billed %s, what-if %s, %s%n",
                            projection.elapsedDays().toPlainString() + " days",
                            Usd.human(projection.billedUsd()),
                            Usd.human(projection.whatIfUsd()),
                            signed(projection.whatIfUsd().subtract(projection.billedUsd())));
                }
            }
            out.flush();
            err.flush();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query Postgres: " + e.getMessage(), e);
        }
    }

    private static boolean swapsOnly(BigDecimal in, BigDecimal out) {
        return in.signum() == 0 && out.signum() == 0;
    }

    private static BigDecimal totalDelta(List<WhatIf.Comparison> rows) {
        return rows.stream().map(WhatIf.Comparison::delta).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** This month so far, billed and under the scenario, carried to the month's end at the same pace. */
    record Projection(BigDecimal elapsedDays, BigDecimal billedUsd, BigDecimal whatIfUsd) {
        static Projection of(List<WhatIf.Comparison> monthToDate, Window month, Instant now) {
            BigDecimal billed =
                    monthToDate.stream().map(WhatIf.Comparison::oldUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal whatIf =
                    monthToDate.stream().map(WhatIf.Comparison::newUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal elapsed =
                    BigDecimal.valueOf(Duration.between(month.from(), now).toSeconds());
            BigDecimal whole = BigDecimal.valueOf(
                    Duration.between(month.from(), month.to()).toSeconds());
            MathContext mc = new MathContext(20);
            BigDecimal scale = elapsed.signum() == 0 ? BigDecimal.ONE : whole.divide(elapsed, mc);
            return new Projection(
                    elapsed.divide(BigDecimal.valueOf(86400), 1, RoundingMode.HALF_EVEN),
                    billed.multiply(scale, mc)
                            .setScale(10, RoundingMode.HALF_EVEN)
                            .stripTrailingZeros(),
                    whatIf.multiply(scale, mc)
                            .setScale(10, RoundingMode.HALF_EVEN)
                            .stripTrailingZeros());
        }
    }

    /** The bundled catalog, with the prices topic's models over it unless --prices bundled. */
    private PriceCatalog catalog(PrintWriter err) {
        List<ModelPrice> bundled = BundledCatalog.load();
        if ("bundled".equals(prices) || replacements.isEmpty()) {
            return new PriceCatalog(bundled);
        }
        if (!"topic".equals(prices)) {
            throw new ParameterException(spec.commandLine(), "--prices is topic or bundled, not " + prices);
        }
        Map<String, ModelPrice> merged = new LinkedHashMap<>();
        bundled.forEach(p -> merged.put(p.modelKey(), p));
        try {
            for (byte[] value :
                    KafkaIo.readCompacted(endpoints.kafka, Topics.PRICES).values()) {
                ModelPrice p = ContractJson.fromBytes(value, ModelPrice.class);
                merged.put(p.modelKey(), p);
            }
        } catch (RuntimeException e) {
            err.println(
                    "what-if: the prices topic could not be read (" + e.getMessage() + "): using the bundled catalog");
        }
        return new PriceCatalog(merged.values());
    }

    private static void csv(PrintWriter out, GroupBy g, List<WhatIf.Comparison> rows) {
        out.println(g.cliName() + ",events,billed_usd,what_if_usd,delta_usd");
        for (WhatIf.Comparison r : rows) {
            out.println(String.join(
                    ",",
                    Csv.field(r.key()),
                    Long.toString(r.events()),
                    Usd.exact(r.oldUsd()),
                    Usd.exact(r.newUsd()),
                    Usd.exact(r.delta())));
        }
    }

    private static String json(GroupBy g, Window window, List<WhatIf.Comparison> rows, Projection projection) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        root.put("window", window.label())
                .put("from", window.from().toString())
                .put("to", window.to().toString())
                .put("groupBy", g.cliName());
        ArrayNode groups = root.putArray("groups");
        BigDecimal billed = BigDecimal.ZERO;
        BigDecimal whatIf = BigDecimal.ZERO;
        long events = 0;
        for (WhatIf.Comparison r : rows) {
            groups.addObject()
                    .put("key", r.key())
                    .put("events", r.events())
                    .put("billedUsd", Usd.exact(r.oldUsd()))
                    .put("whatIfUsd", Usd.exact(r.newUsd()))
                    .put("deltaUsd", Usd.exact(r.delta()));
            billed = billed.add(r.oldUsd());
            whatIf = whatIf.add(r.newUsd());
            events += r.events();
        }
        root.putObject("total")
                .put("events", events)
                .put("billedUsd", Usd.exact(billed))
                .put("whatIfUsd", Usd.exact(whatIf))
                .put("deltaUsd", Usd.exact(whatIf.subtract(billed)));
        root.putObject("monthEndProjection")
                .put("elapsedDays", projection.elapsedDays().toPlainString())
                .put("billedUsd", Usd.exact(projection.billedUsd()))
                .put("whatIfUsd", Usd.exact(projection.whatIfUsd()))
                .put("deltaUsd", Usd.exact(projection.whatIfUsd().subtract(projection.billedUsd())));
        return root.toPrettyString();
    }

    private void print(PrintWriter out, GroupBy g, List<WhatIf.Comparison> rows) {
        out.printf("%-40s %8s %16s %16s %16s %8s%n", g.cliName(), "events", "billed", "what-if", "delta", "delta %");
        BigDecimal oldTotal = BigDecimal.ZERO;
        BigDecimal newTotal = BigDecimal.ZERO;
        long events = 0;
        for (WhatIf.Comparison r : rows) {
            out.printf(
                    "%-40s %8d %16s %16s %16s %8s%n",
                    r.key(),
                    r.events(),
                    Usd.human(r.oldUsd()),
                    Usd.human(r.newUsd()),
                    signed(r.delta()),
                    percent(r.delta(), r.oldUsd()));
            oldTotal = oldTotal.add(r.oldUsd());
            newTotal = newTotal.add(r.newUsd());
            events += r.events();
        }
        BigDecimal delta = newTotal.subtract(oldTotal);
        out.printf(
                "%-40s %8d %16s %16s %16s %8s%n",
                "total", events, Usd.human(oldTotal), Usd.human(newTotal), signed(delta), percent(delta, oldTotal));
        out.flush();
    }

    private static String signed(BigDecimal v) {
        return (v.signum() < 0 ? "-" : "+") + Usd.human(v.abs());
    }

    private static String percent(BigDecimal delta, BigDecimal base) {
        return Percent.cell(Percent.of(delta, base, 1));
    }

    private BigDecimal percent(String flag, String text) {
        try {
            return WhatIf.parsePercent(flag, text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Map<String, String> swaps(PriceCatalog catalog) {
        try {
            return WhatIf.parseSwaps("--replace-model", replacements, catalog);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
