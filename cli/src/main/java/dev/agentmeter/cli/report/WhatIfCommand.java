package dev.agentmeter.cli.report;

import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.processor.pricing.BundledCatalog;
import dev.agentmeter.processor.pricing.PriceCatalog;
import dev.agentmeter.processor.pricing.Pricer;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern PERCENT = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)%");

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

    /** Per group: billed total and total under the scenario. */
    record Comparison(String key, long events, BigDecimal oldUsd, BigDecimal newUsd) {
        BigDecimal delta() {
            return newUsd.subtract(oldUsd);
        }
    }

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
            List<Comparison> rows = compare(c, window, grouping, inputFactor, outputFactor, swaps, catalog);
            print(spec.commandLine().getOut(), grouping, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query Postgres: " + e.getMessage(), e);
        }
    }

    List<Comparison> compare(Connection c, Window w, GroupBy g, BigDecimal inputFactor, BigDecimal outputFactor,
                             Map<String, String> swaps, PriceCatalog catalog) throws SQLException {
        Pricer pricer = new Pricer(new BigDecimal("3"), new BigDecimal("15"), Set.of("lmstudio", "ollama"));
        String sql = "SELECT " + g.sql + ", model, model_key, provider, occurred_at, input_tokens, output_tokens, "
                + "cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, input_cost_usd, "
                + "output_cost_usd, cache_read_cost_usd, cache_write_cost_usd, total_cost_usd, kind FROM " + scope.table
                + " WHERE occurred_at >= ? AND occurred_at < ?" + filterSql();
        Map<String, Comparison> groups = new LinkedHashMap<>();
        c.setAutoCommit(false); // lets the driver stream rows (fetch size) instead of loading them all
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(5000);
            int i = 1;
            if (g.needsZone()) {
                s.setString(i++, w.zone().getId());
            }
            s.setTimestamp(i++, Timestamp.from(w.from()));
            s.setTimestamp(i++, Timestamp.from(w.to()));
            for (String value : scope.filters(null).values()) {
                s.setString(i++, value);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    BigDecimal old = rs.getBigDecimal(16);
                    BigDecimal scenario = scenario(rs, old, inputFactor, outputFactor, swaps, pricer, catalog);
                    groups.merge(rs.getString(1), new Comparison(rs.getString(1), 1, old, scenario),
                            (a, b) -> new Comparison(a.key(), a.events() + 1, a.oldUsd().add(b.oldUsd()), a.newUsd().add(b.newUsd())));
                }
            }
        } finally {
            c.rollback();
        }
        List<Comparison> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> b.oldUsd().compareTo(a.oldUsd()));
        return sorted;
    }

    private BigDecimal scenario(ResultSet rs, BigDecimal old, BigDecimal inputFactor, BigDecimal outputFactor,
                                Map<String, String> swaps, Pricer pricer, PriceCatalog catalog) throws SQLException {
        if (!"llm".equals(rs.getString(17))) {
            return old;
        }
        String modelName = rs.getString(2);
        String modelKey = rs.getString(3);
        String replacement = swaps.containsKey(modelName) ? swaps.get(modelName) : swaps.get(modelKey);
        BigDecimal value = old;
        if (replacement != null) {
            UsageEvent hypothetical = UsageEvent.builder().eventId("what-if").timestamp(rs.getTimestamp(5).toInstant())
                    .kind(UsageEvent.KIND_LLM).agent("what-if").provider(null).model(replacement)
                    .usage(new Usage(rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), false))
                    .build();
            PricedUsage priced = pricer.price(hypothetical, catalog, Instant.EPOCH);
            value = priced.cost().totalUsd();
        }
        boolean changeApplies = model == null || model.equals(modelName) || model.equals(modelKey);
        if (changeApplies && replacement == null) {
            BigDecimal inputSide = rs.getBigDecimal(12).add(rs.getBigDecimal(14)).add(rs.getBigDecimal(15));
            value = value.add(inputSide.multiply(inputFactor)).add(rs.getBigDecimal(13).multiply(outputFactor));
        }
        return value;
    }

    private String filterSql() {
        StringBuilder sql = new StringBuilder();
        scope.filters(null).keySet().forEach(column -> sql.append(" AND ").append(column).append(" = ?"));
        return sql.toString();
    }

    private void print(PrintWriter out, GroupBy g, List<Comparison> rows) {
        out.printf("%-40s %8s %16s %16s %16s %8s%n", g.cliName(), "events", "billed", "what-if", "delta", "delta %");
        BigDecimal oldTotal = BigDecimal.ZERO;
        BigDecimal newTotal = BigDecimal.ZERO;
        long events = 0;
        for (Comparison r : rows) {
            out.printf("%-40s %8d %16s %16s %16s %8s%n", r.key(), r.events(), "$" + plain(r.oldUsd()),
                    "$" + plain(r.newUsd()), signed(r.delta()), percent(r.delta(), r.oldUsd()));
            oldTotal = oldTotal.add(r.oldUsd());
            newTotal = newTotal.add(r.newUsd());
            events += r.events();
        }
        BigDecimal delta = newTotal.subtract(oldTotal);
        out.printf("%-40s %8d %16s %16s %16s %8s%n", "total", events, "$" + plain(oldTotal),
                "$" + plain(newTotal), signed(delta), percent(delta, oldTotal));
        out.flush();
    }

    private static String signed(BigDecimal v) {
        return (v.signum() < 0 ? "-$" : "+$") + plain(v.abs());
    }

    /** Exact, without the trailing zeros that multiplying by a percentage adds (0.004750 → 0.00475). */
    private static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static String percent(BigDecimal delta, BigDecimal base) {
        return base.signum() == 0 ? "-" : delta.movePointRight(2).divide(base, 1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }

    /** "+50%" → 0.5, "-20%" → -0.2; null → 0 (no change). */
    private BigDecimal percent(String flag, String text) {
        if (text == null) {
            return BigDecimal.ZERO;
        }
        Matcher m = PERCENT.matcher(text.trim());
        if (!m.matches()) {
            throw new ParameterException(spec.commandLine(), flag + " must look like +50% or -20%, not " + text);
        }
        BigDecimal fraction = new BigDecimal(m.group(1)).movePointLeft(2);
        if (fraction.compareTo(BigDecimal.ONE.negate()) < 0) {
            throw new ParameterException(spec.commandLine(), flag + " cannot lower a price below zero: " + text);
        }
        return fraction;
    }

    private Map<String, String> swaps(PriceCatalog catalog) {
        Map<String, String> swaps = new LinkedHashMap<>();
        for (String r : replacements) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--replace-model must be A=B (e.g. gpt-4o=gpt-4o-mini), not " + r);
            }
            String target = r.substring(eq + 1);
            if (catalog.find(target).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--replace-model: " + target + " is not in the price catalog");
            }
            swaps.put(r.substring(0, eq), target);
        }
        return swaps;
    }
}
