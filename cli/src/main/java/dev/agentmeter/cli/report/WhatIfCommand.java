package dev.agentmeter.cli.report;

import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.Usd;
import dev.agentmeter.analytics.WhatIf;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.processor.pricing.BundledCatalog;
import dev.agentmeter.processor.pricing.PriceCatalog;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
@Command(name = "what-if", mixinStandardHelpOptions = true,
        description = "Re-price stored usage: price changes or a model swap; old vs new totals.")
public final class WhatIfCommand implements Runnable {

    @Mixin
    Endpoints endpoints;
    @Mixin
    ReportOptions scope;
    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "Apply the price changes to this model only (name or catalog key).")
    String model;
    @Option(names = "--input-price-change", paramLabel = "±N%") String inputChange;
    @Option(names = "--output-price-change", paramLabel = "±N%") String outputChange;
    @Option(names = "--replace-model", paramLabel = "A=B", description = "Price model A's usage as model B (repeatable).")
    List<String> replacements = new ArrayList<>();
    @Option(names = "--group-by", defaultValue = "model", description = "Grouping of the comparison (default ${DEFAULT-VALUE}).")
    String groupBy;

    @Override
    public void run() {
        BigDecimal inputFactor = percent("--input-price-change", inputChange);
        BigDecimal outputFactor = percent("--output-price-change", outputChange);
        PriceCatalog catalog = new PriceCatalog(BundledCatalog.load());
        Map<String, String> swaps = swaps(catalog);
        if (inputFactor.signum() == 0 && outputFactor.signum() == 0 && swaps.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "give a change: --input-price-change, --output-price-change or --replace-model");
        }
        GroupBy grouping;
        try {
            grouping = GroupBy.parse(groupBy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Window window = scope.window(Instant.now());
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            List<WhatIf.Comparison> rows = new WhatIf(catalog).compare(c, scope.table, window, grouping,
                    scope.filters(null), new WhatIf.Scenario(model, inputFactor, outputFactor, swaps));
            print(spec.commandLine().getOut(), grouping, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query Postgres: " + e.getMessage(), e);
        }
    }

    private void print(PrintWriter out, GroupBy g, List<WhatIf.Comparison> rows) {
        out.printf("%-40s %8s %16s %16s %16s %8s%n", g.cliName(), "events", "billed", "what-if", "delta", "delta %");
        BigDecimal oldTotal = BigDecimal.ZERO;
        BigDecimal newTotal = BigDecimal.ZERO;
        long events = 0;
        for (WhatIf.Comparison r : rows) {
            out.printf("%-40s %8d %16s %16s %16s %8s%n", r.key(), r.events(), Usd.human(r.oldUsd()),
                    Usd.human(r.newUsd()), signed(r.delta()), percent(r.delta(), r.oldUsd()));
            oldTotal = oldTotal.add(r.oldUsd());
            newTotal = newTotal.add(r.newUsd());
            events += r.events();
        }
        BigDecimal delta = newTotal.subtract(oldTotal);
        out.printf("%-40s %8d %16s %16s %16s %8s%n", "total", events, Usd.human(oldTotal),
                Usd.human(newTotal), signed(delta), percent(delta, oldTotal));
        out.flush();
    }

    private static String signed(BigDecimal v) {
        return (v.signum() < 0 ? "-" : "+") + Usd.human(v.abs());
    }

    private static String percent(BigDecimal delta, BigDecimal base) {
        return base.signum() == 0 ? "-" : delta.movePointRight(2).divide(base, 1, RoundingMode.HALF_EVEN).toPlainString() + "%";
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
