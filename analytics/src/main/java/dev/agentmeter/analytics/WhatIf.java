package dev.agentmeter.analytics;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.pricing.Pricer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stored usage re-priced under a hypothetical change, old against new per group, exact.
 *
 * <ul>
 *   <li>A price change ({@link Scenario#inputFactor}, {@link Scenario#outputFactor}: +0.5 for +50 %)
 *       moves each affected row by its input-side cost (input, cache reads, cache writes) times the
 *       input factor plus its output cost times the output factor; the change is added to what was
 *       billed, so provider-reported rows move by the same delta.</li>
 *   <li>A model replacement prices the rows of model A as model B (the catalog given, at the row's
 *       timestamp, every contract rule), replacing what was billed.</li>
 * </ul>
 * The CLI's {@code what-if} and the dashboard's what-if page both run this.
 */
public final class WhatIf {

    /**
     * {@code models}: the price changes apply to these models only (names or catalog keys; empty =
     * all), as {@link #resolveModels} finds them for a name, an alias or a family like "sonnet".
     */
    public record Scenario(
            List<String> models, BigDecimal inputFactor, BigDecimal outputFactor, Map<String, String> swaps) {
        public Scenario {
            models = models == null ? List.of() : List.copyOf(models);
            swaps = Map.copyOf(swaps);
        }

        public Scenario(String model, BigDecimal inputFactor, BigDecimal outputFactor, Map<String, String> swaps) {
            this(model == null ? List.of() : List.of(model), inputFactor, outputFactor, swaps);
        }

        public boolean isEmpty() {
            return inputFactor.signum() == 0 && outputFactor.signum() == 0 && swaps.isEmpty();
        }
    }

    /** Per group: billed total and total under the scenario. */
    public record Comparison(String key, long events, BigDecimal oldUsd, BigDecimal newUsd) {
        public BigDecimal delta() {
            return newUsd.subtract(oldUsd);
        }
    }

    private static final Pattern PERCENT = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)%?");

    /**
     * "+50%" → 0.5, "-20%" → -0.2, "" or null → 0 (no change); the sign and % are optional.
     *
     * @throws IllegalArgumentException naming {@code what} when the text is not a percentage or
     *         would lower a price below zero
     */
    public static BigDecimal parsePercent(String what, String text) {
        if (text == null || text.isBlank()) {
            return BigDecimal.ZERO;
        }
        Matcher m = PERCENT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " must look like +50% or -20%, not " + text);
        }
        BigDecimal fraction = new BigDecimal(m.group(1)).movePointLeft(2);
        if (fraction.compareTo(BigDecimal.ONE.negate()) < 0) {
            throw new IllegalArgumentException(what + " cannot lower a price below zero: " + text);
        }
        return fraction;
    }

    /**
     * "A=B" pairs (model A priced as model B) as a map; B must be in the catalog.
     *
     * @throws IllegalArgumentException naming {@code what} for a malformed pair or an unknown B
     */
    public static Map<String, String> parseSwaps(String what, List<String> pairs, PriceCatalog catalog) {
        Map<String, String> swaps = new LinkedHashMap<>();
        for (String r : pairs) {
            if (r == null || r.isBlank()) {
                continue;
            }
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new IllegalArgumentException(what + " must be A=B (e.g. gpt-4o=gpt-4o-mini), not " + r);
            }
            String target = r.substring(eq + 1).trim();
            if (catalog.find(target).isEmpty()) {
                throw new IllegalArgumentException(what + ": " + target + " is not in the price catalog");
            }
            swaps.put(r.substring(0, eq).trim(), target);
        }
        return swaps;
    }

    /**
     * What a model filter names: the catalog key of a name or alias it finds ({@code
     * claude-sonnet-4-5-20250929} → {@code claude-sonnet-4-5}); else a family, every catalog key with
     * the filter as one of its parts ({@code sonnet} → claude-3-7-sonnet, claude-sonnet-4, …); else
     * the name as given (a model stored without a catalog entry).
     */
    public record ModelMatch(String filter, List<String> models, boolean family, boolean inCatalog) {}

    public static ModelMatch resolveModels(String filter, PriceCatalog catalog) {
        if (filter == null || filter.isBlank()) {
            return new ModelMatch(filter, List.of(), false, true);
        }
        var direct = catalog.find(filter);
        if (direct.isPresent()) {
            return new ModelMatch(filter, List.of(direct.get().modelKey()), false, true);
        }
        String token = filter.trim().toLowerCase(Locale.ROOT);
        List<String> family = catalog.modelKeys().stream()
                .filter(k ->
                        List.of(k.toLowerCase(Locale.ROOT).split("[-._/:@]")).contains(token))
                .toList();
        return family.isEmpty()
                ? new ModelMatch(filter, List.of(filter), false, false)
                : new ModelMatch(filter, family, true, true);
    }

    private final PriceCatalog catalog;
    private final Pricer pricer;

    /** With the contract's default prices ({@link Pricer#withDefaults()}). */
    public WhatIf(PriceCatalog catalog) {
        this(catalog, Pricer.withDefaults());
    }

    /** @param pricer the processor's pricing rules, its configured default prices and free providers included */
    public WhatIf(PriceCatalog catalog, Pricer pricer) {
        this.catalog = catalog;
        this.pricer = pricer;
    }

    /**
     * Rows of the window (and the filters: column → value), grouped, billed against the scenario's
     * totals. A price change is a sum PostgreSQL computes (exact: numeric times the factor); only
     * the rows of replaced models are read one by one and priced as the other model here.
     */
    public List<Comparison> compare(
            Connection c, String table, Window w, GroupBy g, Map<String, String> filters, Scenario scenario)
            throws SQLException {
        Map<String, Comparison> groups = new LinkedHashMap<>();
        String[] swapped = scenario.swaps().keySet().toArray(String[]::new);
        if (swapped.length == 0
                && ReportQueries.rollupServes(w, g, filters.keySet())
                && ReportQueries.rollupExists(c, table)) {
            sumInRollup(c, table, w, g, filters, scenario, groups);
        } else {
            sumInDatabase(c, table, w, g, filters, scenario, swapped, groups);
        }
        if (swapped.length > 0) {
            repriceSwapped(c, table, w, g, filters, scenario, swapped, groups);
        }
        List<Comparison> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> b.oldUsd().compareTo(a.oldUsd()));
        return sorted;
    }

    /**
     * A price change alone, from the hourly roll-up: the input-side and output costs it keeps per
     * hour and attribution are what the change multiplies. The model named is matched on the
     * roll-up's model (the catalog key, or the name of a model without one), so a model's aliases
     * all count.
     */
    private void sumInRollup(
            Connection c,
            String table,
            Window w,
            GroupBy g,
            Map<String, String> filters,
            Scenario scenario,
            Map<String, Comparison> groups)
            throws SQLException {
        ReportQueries.Source src = ReportQueries.Source.rollup(table);
        String[] models = scenario.models().stream()
                .map(m -> catalog.find(m).map(p -> p.modelKey()).orElse(m))
                .distinct()
                .toArray(String[]::new);
        boolean some = models.length > 0;
        StringBuilder sql = new StringBuilder("SELECT " + src.group(g) + ", " + src.events() + ", sum(total_cost_usd),"
                + " coalesce(sum(" + (some ? "CASE WHEN model = ANY (?) THEN " : "")
                + "input_side_cost_usd * ? + output_cost_usd * ?" + (some ? " ELSE 0 END" : "") + "), 0)"
                + " FROM " + src.table() + " WHERE hour >= ? AND hour < ?");
        filters.keySet().forEach(column -> sql.append(" AND ").append(column).append(" = ?"));
        sql.append(" GROUP BY 1");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (g.needsZone()) {
                s.setString(i++, w.zone().getId());
            }
            if (some) {
                s.setArray(i++, c.createArrayOf("text", models));
            }
            s.setBigDecimal(i++, scenario.inputFactor());
            s.setBigDecimal(i++, scenario.outputFactor());
            SqlFilters.bind(s, i, w, filters);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    BigDecimal old = rs.getBigDecimal(3);
                    add(groups, new Comparison(rs.getString(1), rs.getLong(2), old, old.add(rs.getBigDecimal(4))));
                }
            }
        }
    }

    /** Every row but the replaced models': billed, and billed plus the price change's delta. */
    private static void sumInDatabase(
            Connection c,
            String table,
            Window w,
            GroupBy g,
            Map<String, String> filters,
            Scenario scenario,
            String[] swapped,
            Map<String, Comparison> groups)
            throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT " + g.sql() + ", count(*), sum(total_cost_usd), coalesce(sum(CASE WHEN kind = 'llm'"
                        + (scenario.models().isEmpty() ? "" : " AND (model = ANY (?) OR model_key = ANY (?))")
                        + " THEN (input_cost_usd + cache_read_cost_usd + cache_write_cost_usd) * ? + output_cost_usd * ? ELSE 0 END), 0)"
                        + " FROM " + table + " WHERE occurred_at >= ? AND occurred_at < ?");
        sql.append(SqlFilters.clause(filters));
        if (swapped.length > 0) {
            sql.append(" AND NOT (coalesce(model, '') = ANY (?) OR coalesce(model_key, '') = ANY (?))");
        }
        sql.append(" GROUP BY 1");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (g.needsZone()) {
                s.setString(i++, w.zone().getId());
            }
            if (!scenario.models().isEmpty()) {
                String[] models = scenario.models().toArray(String[]::new);
                s.setArray(i++, c.createArrayOf("text", models));
                s.setArray(i++, c.createArrayOf("text", models));
            }
            s.setBigDecimal(i++, scenario.inputFactor());
            s.setBigDecimal(i++, scenario.outputFactor());
            i = SqlFilters.bind(s, i, w, filters);
            if (swapped.length > 0) {
                s.setArray(i++, c.createArrayOf("text", swapped));
                s.setArray(i++, c.createArrayOf("text", swapped));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    BigDecimal old = rs.getBigDecimal(3);
                    add(groups, new Comparison(rs.getString(1), rs.getLong(2), old, old.add(rs.getBigDecimal(4))));
                }
            }
        }
    }

    /** The rows of replaced models, priced one by one as the replacement (every rule of the catalog). */
    private void repriceSwapped(
            Connection c,
            String table,
            Window w,
            GroupBy g,
            Map<String, String> filters,
            Scenario scenario,
            String[] swapped,
            Map<String, Comparison> groups)
            throws SQLException {
        StringBuilder sql =
                new StringBuilder("SELECT " + g.sql() + ", model, model_key, provider, occurred_at, input_tokens,"
                        + " output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens,"
                        + " input_cost_usd, output_cost_usd, cache_read_cost_usd, cache_write_cost_usd, total_cost_usd, kind, service_tier FROM "
                        + table + " WHERE occurred_at >= ? AND occurred_at < ?");
        sql.append(SqlFilters.clause(filters));
        sql.append(" AND (model = ANY (?) OR model_key = ANY (?))");
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false); // lets the driver stream rows (fetch size) instead of loading them all
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            s.setFetchSize(5000);
            int i = 1;
            if (g.needsZone()) {
                s.setString(i++, w.zone().getId());
            }
            i = SqlFilters.bind(s, i, w, filters);
            s.setArray(i++, c.createArrayOf("text", swapped));
            s.setArray(i++, c.createArrayOf("text", swapped));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    BigDecimal old = rs.getBigDecimal(16);
                    add(groups, new Comparison(rs.getString(1), 1, old, scenario(rs, old, scenario)));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    private static void add(Map<String, Comparison> groups, Comparison c) {
        groups.merge(
                c.key(),
                c,
                (a, b) -> new Comparison(
                        a.key(),
                        a.events() + b.events(),
                        a.oldUsd().add(b.oldUsd()),
                        a.newUsd().add(b.newUsd())));
    }

    private BigDecimal scenario(ResultSet rs, BigDecimal old, Scenario scenario) throws SQLException {
        if (!"llm".equals(rs.getString(17))) {
            return old;
        }
        String modelName = rs.getString(2);
        String modelKey = rs.getString(3);
        // model_key is null for a model priced at the default price; Map.copyOf's maps refuse get(null)
        String replacement = modelName != null && scenario.swaps().containsKey(modelName)
                ? scenario.swaps().get(modelName)
                : modelKey == null ? null : scenario.swaps().get(modelKey);
        BigDecimal value = old;
        if (replacement != null) {
            UsageEvent hypothetical = UsageEvent.builder()
                    .eventId("what-if")
                    .timestamp(rs.getTimestamp(5).toInstant())
                    .kind(UsageEvent.KIND_LLM)
                    .agent("what-if")
                    .model(replacement)
                    .serviceTier(rs.getString(
                            18)) // a batch call moved to another model is billed at that model's batch price
                    .usage(new Usage(
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getLong(9),
                            rs.getLong(10),
                            rs.getLong(11),
                            false))
                    .build();
            PricedUsage priced = pricer.price(hypothetical, catalog, Instant.EPOCH);
            value = priced.cost().totalUsd();
        }
        boolean changeApplies = scenario.models().isEmpty()
                || scenario.models().contains(modelName)
                || (modelKey != null && scenario.models().contains(modelKey));
        if (changeApplies && replacement == null) {
            BigDecimal inputSide =
                    rs.getBigDecimal(12).add(rs.getBigDecimal(14)).add(rs.getBigDecimal(15));
            value = value.add(inputSide.multiply(scenario.inputFactor()))
                    .add(rs.getBigDecimal(13).multiply(scenario.outputFactor()));
        }
        return value;
    }
}
