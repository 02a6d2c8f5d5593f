package dev.agentmeter.analytics.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.SqlFilters;
import dev.agentmeter.analytics.WhatIf;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.PriceCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code agentmeter risks}: what could make the bill jump or the agents stop, from the stored usage
 * and the price catalog. Every finding names the spend it concerns and an action; model-switch
 * suggestions carry the savings the what-if engine computes for the window.
 *
 * <p>Rules (thresholds are constants below, named in the findings):
 * <ul>
 *   <li><b>price exposure</b> per company, provider and top model: the 30-day run rate and what a
 *       +10 / +50 / +100 % price rise adds to it;</li>
 *   <li><b>vendor concentration</b>: each company's share and the Herfindahl–Hirschman index
 *       (Σ share², 0–10,000; above 2,500 is highly concentrated);</li>
 *   <li><b>availability</b>: spend on models priced by default (no catalog entry) and on models with
 *       a retirement date ({@code agentmeter/deprecations.json}, or the caller's list);</li>
 *   <li><b>usage patterns</b>: week-over-week growth above 25 %, days above twice the median day,
 *       a model costing at least 3× per call what another model costs on the same task type, and
 *       cache reads under 10 % of input on models whose cache is cheaper (≥ 100,000 input tokens).</li>
 * </ul>
 */
public final class RiskAssessment {

    public static final BigDecimal GROWTH_PERCENT = new BigDecimal("25");
    public static final BigDecimal SPIKE_FACTOR = new BigDecimal("2");
    public static final BigDecimal EXPENSIVE_FACTOR = new BigDecimal("3");
    public static final BigDecimal LOW_CACHE_PERCENT = new BigDecimal("10");
    public static final long CACHE_MIN_INPUT_TOKENS = 100_000;
    public static final List<Integer> PRICE_RISES = List.of(10, 50, 100);

    /** One finding: what, about which spend, what to do, and the savings a suggested switch would bring. */
    public record Finding(
            String category,
            String subject,
            BigDecimal spendUsd,
            String finding,
            String action,
            BigDecimal savingsUsd) {}

    public record Deprecation(String model, LocalDate retires, String replacement) {}

    private static final MathContext MC = new MathContext(20);

    private final Connection c;
    private final String table;
    private final Map<String, String> filters;
    private final PriceCatalog catalog;
    private final List<Deprecation> deprecations;

    public RiskAssessment(
            Connection c,
            String table,
            Map<String, String> filters,
            PriceCatalog catalog,
            List<Deprecation> deprecations) {
        this.c = c;
        this.table = table;
        this.filters = filters;
        this.catalog = catalog;
        this.deprecations = deprecations;
    }

    public static List<Deprecation> bundledDeprecations() {
        try (InputStream in = RiskAssessment.class.getResourceAsStream("/agentmeter/deprecations.json")) {
            return deprecations(ContractJson.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Deprecation> deprecations(JsonNode list) {
        List<Deprecation> out = new ArrayList<>();
        for (JsonNode d : list) {
            out.add(new Deprecation(
                    d.path("model").asText(),
                    LocalDate.parse(d.path("retires").asText()),
                    d.path("replacement").asText(null)));
        }
        return out;
    }

    public List<Finding> assess(Window w, Instant now) throws SQLException {
        List<Finding> out = new ArrayList<>();
        BigDecimal days = BigDecimal.valueOf(Duration.between(w.from(), w.to()).toSeconds())
                .divide(BigDecimal.valueOf(86400), MC);
        BigDecimal runRate = BigDecimal.valueOf(30).divide(days, MC);
        Map<String, BigDecimal> companies = sums(w, GroupBy.COMPANY.sql(), null);
        exposure(out, "company", companies, runRate, Integer.MAX_VALUE);
        exposure(out, "provider", sums(w, GroupBy.PROVIDER.sql(), null), runRate, Integer.MAX_VALUE);
        exposure(out, "model", sums(w, GroupBy.MODEL.sql(), null), runRate, 5);
        concentration(out, companies);
        availability(out, w, now);
        growth(out, w);
        spikes(out, w);
        switches(out, w);
        cache(out, w);
        return out;
    }

    // --------------------------------------------------------------- price exposure, concentration

    private static void exposure(
            List<Finding> out, String kind, Map<String, BigDecimal> spend, BigDecimal runRate, int top) {
        int n = 0;
        for (Map.Entry<String, BigDecimal> e : spend.entrySet()) {
            if (n++ >= top || e.getValue().signum() == 0) {
                break;
            }
            BigDecimal monthly = money(e.getValue().multiply(runRate, MC));
            StringBuilder rises = new StringBuilder();
            for (int pct : PRICE_RISES) {
                rises.append(rises.length() == 0 ? "" : ", ")
                        .append("+")
                        .append(pct)
                        .append(" %: +")
                        .append(Usd.human(
                                monthly.multiply(BigDecimal.valueOf(pct)).movePointLeft(2)));
            }
            out.add(new Finding(
                    "price-exposure",
                    kind + " " + e.getKey(),
                    e.getValue(),
                    "30-day run rate " + Usd.human(monthly) + "; a price rise adds a month " + rises,
                    n == 1
                            ? "largest exposure: agree committed-use or batch pricing, and keep a tested fallback model"
                            : "watch this " + kind + "'s price announcements",
                    null));
        }
    }

    private static void concentration(List<Finding> out, Map<String, BigDecimal> companies) {
        BigDecimal total = companies.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.signum() == 0) {
            return;
        }
        BigDecimal hhi = BigDecimal.ZERO;
        StringBuilder shares = new StringBuilder();
        String top = null;
        BigDecimal topShare = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : companies.entrySet()) {
            BigDecimal share = e.getValue().multiply(BigDecimal.valueOf(100)).divide(total, MC);
            hhi = hhi.add(share.multiply(share));
            shares.append(shares.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(" ")
                    .append(Percent.human(share.setScale(1, RoundingMode.HALF_EVEN)));
            if (top == null) {
                top = e.getKey();
                topShare = share;
            }
        }
        long index = hhi.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        String level = index > 2500 ? "highly concentrated" : index > 1500 ? "moderately concentrated" : "diversified";
        out.add(new Finding(
                "vendor-concentration",
                "all companies",
                total,
                shares + "; HHI " + index + " (" + level + ")",
                topShare.compareTo(BigDecimal.valueOf(50)) > 0
                        ? "qualify a second vendor for " + top + "'s largest task types; keep prompts portable"
                        : "no action: spend is spread",
                null));
    }

    // --------------------------------------------------------------- availability

    private void availability(List<Finding> out, Window w, Instant now) throws SQLException {
        for (Map.Entry<String, BigDecimal> e : sums(
                        w, "coalesce(provider || '/', '') || model", "cost_source = 'default'")
                .entrySet()) {
            out.add(new Finding(
                    "availability",
                    "model " + e.getKey(),
                    e.getValue(),
                    "priced at the default price: the catalog does not know this model, so its cost is a guess",
                    "add its price: agentmeter prices set " + e.getKey().replaceFirst("^[^/]*/", "")
                            + " --input … --output …",
                    null));
        }
        Map<String, BigDecimal> byModel = sums(w, GroupBy.MODEL.sql(), null);
        LocalDate today = now.atZone(w.zone()).toLocalDate();
        for (Deprecation d : deprecations) {
            BigDecimal spend = byModel.get(d.model());
            if (spend == null || spend.signum() == 0) {
                continue;
            }
            out.add(new Finding(
                    "availability",
                    "model " + d.model(),
                    spend,
                    d.retires().isBefore(today)
                            ? "retired on " + d.retires() + ": its calls may already fail"
                            : "retires on " + d.retires(),
                    d.replacement() == null
                            ? "move its traffic to a current model"
                            : "move its traffic to " + d.replacement() + " (what-if --replace-model " + d.model() + "="
                                    + d.replacement() + ")",
                    null));
        }
    }

    // --------------------------------------------------------------- usage patterns

    private void growth(List<Finding> out, Window w) throws SQLException {
        if (Duration.between(w.from(), w.to()).toDays() < 14) {
            return;
        }
        Window last = new Window(w.to().minus(Duration.ofDays(7)), w.to(), w.zone(), "last 7 days");
        Window before = new Window(w.to().minus(Duration.ofDays(14)), last.from(), w.zone(), "7 days before");
        BigDecimal now = total(sums(last, "'all'", null));
        BigDecimal prev = total(sums(before, "'all'", null));
        if (prev.signum() == 0) {
            return;
        }
        BigDecimal growth =
                now.subtract(prev).multiply(BigDecimal.valueOf(100)).divide(prev, 1, RoundingMode.HALF_EVEN);
        if (growth.compareTo(GROWTH_PERCENT) <= 0) {
            return;
        }
        Map<String, BigDecimal> agentsNow = sums(last, "agent", null);
        Map<String, BigDecimal> agentsBefore = sums(before, "agent", null);
        String topAgent = null;
        BigDecimal topIncrease = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : agentsNow.entrySet()) {
            BigDecimal increase = e.getValue().subtract(agentsBefore.getOrDefault(e.getKey(), BigDecimal.ZERO));
            if (increase.compareTo(topIncrease) > 0) {
                topIncrease = increase;
                topAgent = e.getKey();
            }
        }
        out.add(new Finding(
                "usage-growth",
                "all usage",
                now,
                Usd.human(now) + " in the last 7 days, +" + growth.toPlainString() + " % on the 7 before ("
                        + Usd.human(prev) + ")",
                topAgent == null
                        ? "check which agents grew"
                        : "largest increase: agent " + topAgent + " +" + Usd.human(topIncrease)
                                + "; set a budget on it (agentmeter budgets set agent:" + topAgent + " --day …)",
                null));
    }

    private void spikes(List<Finding> out, Window w) throws SQLException {
        Map<String, BigDecimal> daily = sums(w, GroupBy.DAY.sql(), null);
        if (daily.size() < 3) {
            return;
        }
        List<BigDecimal> sorted = daily.values().stream().sorted().toList();
        int mid = sorted.size() / 2;
        BigDecimal median = sorted.size() % 2 == 1
                ? sorted.get(mid)
                : sorted.get(mid - 1).add(sorted.get(mid)).divide(BigDecimal.valueOf(2), MC);
        if (median.signum() == 0) {
            return;
        }
        for (Map.Entry<String, BigDecimal> day : new TreeMap<>(daily).entrySet()) {
            if (day.getValue().compareTo(median.multiply(SPIKE_FACTOR)) <= 0) {
                continue;
            }
            LocalDate d = LocalDate.parse(day.getKey());
            Window one = new Window(
                    d.atStartOfDay(w.zone()).toInstant(),
                    d.plusDays(1).atStartOfDay(w.zone()).toInstant(),
                    w.zone(),
                    day.getKey());
            Map.Entry<String, BigDecimal> topAgent =
                    sums(one, "agent", null).entrySet().iterator().next();
            out.add(new Finding(
                    "usage-spike",
                    "day " + day.getKey(),
                    day.getValue(),
                    Usd.human(day.getValue()) + ", "
                            + day.getValue()
                                    .divide(median, 1, RoundingMode.HALF_EVEN)
                                    .toPlainString() + "× the median day (" + Usd.human(median) + ")",
                    "look at agent " + topAgent.getKey() + " (" + Usd.human(topAgent.getValue())
                            + " that day); a session budget caps runaway loops",
                    null));
        }
    }

    private void switches(List<Finding> out, Window w) throws SQLException {
        record Use(String taskType, String model, long events, BigDecimal spend) {
            BigDecimal perCall() {
                return spend.divide(BigDecimal.valueOf(events), MC);
            }
        }
        Map<String, List<Use>> byTask = new LinkedHashMap<>();
        String sql = "SELECT task_type, model_key, count(*), sum(total_cost_usd) FROM " + table
                + " WHERE kind = 'llm' AND task_type IS NOT NULL AND model_key IS NOT NULL AND cost_source <> 'free'"
                + " AND occurred_at >= ? AND occurred_at < ?" + SqlFilters.clause(filters)
                + " GROUP BY 1, 2 ORDER BY 1, 4 DESC, 2";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            SqlFilters.bind(s, 1, w, filters);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byTask.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                            .add(new Use(r.getString(1), r.getString(2), r.getLong(3), r.getBigDecimal(4)));
                }
            }
        }
        WhatIf whatIf = new WhatIf(catalog);
        for (List<Use> uses : byTask.values()) {
            if (uses.size() < 2) {
                continue;
            }
            Use cheapest = uses.stream()
                    .min((a, b) -> a.perCall().compareTo(b.perCall()))
                    .orElseThrow();
            if (catalog.find(cheapest.model()).isEmpty() || cheapest.perCall().signum() == 0) {
                continue;
            }
            for (Use u : uses) {
                if (u.equals(cheapest)
                        || u.perCall().compareTo(cheapest.perCall().multiply(EXPENSIVE_FACTOR)) < 0) {
                    continue;
                }
                Map<String, String> f = new LinkedHashMap<>(filters);
                f.put("task_type", u.taskType());
                f.put("model", u.model());
                BigDecimal delta = whatIf
                        .compare(
                                c,
                                table,
                                w,
                                GroupBy.MODEL,
                                f,
                                new WhatIf.Scenario(
                                        List.of(),
                                        BigDecimal.ZERO,
                                        BigDecimal.ZERO,
                                        Map.of(u.model(), cheapest.model())))
                        .stream()
                        .map(WhatIf.Comparison::delta)
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                out.add(new Finding(
                        "model-switch",
                        "task " + u.taskType() + ": " + u.model() + " → " + cheapest.model(),
                        u.spend(),
                        Usd.human(u.perCall()) + " per call with " + u.model() + " against "
                                + Usd.human(cheapest.perCall()) + " with " + cheapest.model()
                                + " on the same task type (" + u.events() + (u.events() == 1 ? " call)" : " calls)"),
                        "try " + cheapest.model() + " for " + u.taskType() + " (what-if --replace-model " + u.model()
                                + "=" + cheapest.model() + " --task-type " + u.taskType() + ")",
                        delta.negate()));
            }
        }
    }

    private void cache(List<Finding> out, Window w) throws SQLException {
        String sql =
                "SELECT model_key, sum(input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(total_cost_usd) FROM "
                        + table
                        + " WHERE kind = 'llm' AND model_key IS NOT NULL AND occurred_at >= ? AND occurred_at < ?"
                        + SqlFilters.clause(filters)
                        + " GROUP BY 1 HAVING sum(input_tokens) >= " + CACHE_MIN_INPUT_TOKENS + " ORDER BY 5 DESC, 1";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            SqlFilters.bind(s, 1, w, filters);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String model = r.getString(1);
                    long input = r.getLong(2);
                    long read = r.getLong(3);
                    long write = r.getLong(4);
                    BigDecimal hit = BigDecimal.valueOf(read)
                            .multiply(BigDecimal.valueOf(100))
                            .divide(BigDecimal.valueOf(input), 1, RoundingMode.HALF_EVEN);
                    Optional<EffectivePrice> price = catalog.find(model).flatMap(m -> m.priceAt(w.to()));
                    if (hit.compareTo(LOW_CACHE_PERCENT) >= 0
                            || price.isEmpty()
                            || price.get().inputPerMTok() == null
                            || price.get().cacheReadPerMTok() == null
                            || price.get()
                                            .cacheReadPerMTok()
                                            .compareTo(price.get().inputPerMTok())
                                    >= 0) {
                        continue;
                    }
                    long uncached = input - read - write;
                    BigDecimal saving = price.get()
                            .inputPerMTok()
                            .subtract(price.get().cacheReadPerMTok())
                            .multiply(BigDecimal.valueOf(uncached))
                            .movePointLeft(6)
                            .divide(BigDecimal.valueOf(2), MC);
                    out.add(new Finding(
                            "low-cache-hits",
                            "model " + model,
                            r.getBigDecimal(5),
                            "cache reads are " + hit.toPlainString() + " % of " + String.format("%,d", input)
                                    + " input tokens",
                            "cache stable prompt prefixes (system prompt, tools); the figure is the saving if half the uncached input were cache reads",
                            money(saving)));
                }
            }
        }
    }

    // --------------------------------------------------------------- SQL

    /** Spend per key over the window, largest first (ties by key). */
    private Map<String, BigDecimal> sums(Window w, String key, String condition) throws SQLException {
        boolean zoned = key.contains("?");
        String sql = "SELECT " + key + ", sum(total_cost_usd) FROM " + table
                + " WHERE occurred_at >= ? AND occurred_at < ?" + (condition == null ? "" : " AND " + condition)
                + SqlFilters.clause(filters) + " GROUP BY 1 ORDER BY 2 DESC, 1";
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (zoned) {
                s.setString(i++, w.zone().getId());
            }
            SqlFilters.bind(s, i, w, filters);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getBigDecimal(2));
                }
            }
        }
        return out;
    }

    private static BigDecimal total(Map<String, BigDecimal> sums) {
        return sums.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** A derived amount (run rate, projection, estimate): 6 decimals, like the reports' derived figures. */
    private static BigDecimal money(BigDecimal v) {
        return v.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
