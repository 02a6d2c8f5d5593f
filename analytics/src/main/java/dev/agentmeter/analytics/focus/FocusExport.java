package dev.agentmeter.analytics.focus;

import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tracked spend as FinOps FOCUS 1.2 rows: one per UTC day × provider × model × token kind ×
 * the chosen attribution (× service tier, cost source and unit price, which a row's SKU price
 * names). Token kinds partition the tokens as the contract prices them: {@code input} counts input
 * tokens that are neither cache reads nor writes, {@code cache-read}, {@code cache-write-5m},
 * {@code cache-write-1h}, {@code output} counts output tokens that are not reasoning,
 * {@code reasoning}; {@code api} rows count API calls. So over any window the token rows'
 * ConsumedQuantity adds up to {@code sum(input_tokens + output_tokens)} and BilledCost over all rows
 * to {@code sum(total_cost_usd)}, exactly (PostgreSQL numeric, no division). Where the provider
 * reported the cost, the tokens are priced at the catalog (ListCost) and the difference to what
 * the provider billed is one {@code Adjustment} row per group.
 */
public final class FocusExport {

    /** Attribution dimensions a row can carry, by the option's name. */
    public static final Map<String, String> ATTRIBUTION =
            Map.of("team", "team_id", "agent", "agent", "user", "user_id", "task-type", "task_type");

    private static final Map<String, String> TAG_NAMES =
            Map.of("team_id", "team", "agent", "agent", "user_id", "user", "task_type", "taskType");

    public static final List<String> COLUMNS = List.of(
            "BillingAccountId",
            "BillingAccountName",
            "BillingCurrency",
            "BillingPeriodStart",
            "BillingPeriodEnd",
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "ChargeCategory",
            "ChargeClass",
            "ChargeDescription",
            "ChargeFrequency",
            "BilledCost",
            "EffectiveCost",
            "ListCost",
            "ContractedCost",
            "ListUnitPrice",
            "ContractedUnitPrice",
            "PricingQuantity",
            "PricingUnit",
            "PricingCategory",
            "ConsumedQuantity",
            "ConsumedUnit",
            "InvoiceIssuerName",
            "ProviderName",
            "PublisherName",
            "ServiceCategory",
            "ServiceSubcategory",
            "ServiceName",
            "SkuId",
            "SkuPriceId",
            "Tags",
            "x_TokenKind",
            "x_Model",
            "x_ServiceTier",
            "x_CostSource");
    /** The money and quantity columns: decimals. */
    public static final List<String> DECIMALS = List.of(
            "BilledCost",
            "EffectiveCost",
            "ListCost",
            "ContractedCost",
            "ListUnitPrice",
            "ContractedUnitPrice",
            "PricingQuantity",
            "ConsumedQuantity");

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** A provider as FOCUS names who issues the invoice and the service. */
    private record Issuer(String invoiceIssuer, String provider, String service) {}

    private static final Map<String, Issuer> ISSUERS = Map.of(
            "openai", new Issuer("OpenAI", "OpenAI", "OpenAI API"),
            "anthropic", new Issuer("Anthropic", "Anthropic", "Claude API"),
            "aws-bedrock", new Issuer("Amazon Web Services", "Amazon Web Services", "Amazon Bedrock"),
            "bedrock", new Issuer("Amazon Web Services", "Amazon Web Services", "Amazon Bedrock"),
            "google", new Issuer("Google", "Google", "Gemini API"),
            "gemini", new Issuer("Google", "Google", "Gemini API"),
            "vertex-ai", new Issuer("Google", "Google Cloud", "Vertex AI"),
            "azure", new Issuer("Microsoft", "Microsoft", "Azure OpenAI"),
            "openrouter", new Issuer("OpenRouter", "OpenRouter", "OpenRouter"));

    private final String billingAccount;
    private final List<String> attribution;

    /** @param attribution option names from {@link #ATTRIBUTION}, in the order given */
    public FocusExport(String billingAccount, List<String> attribution) {
        this.billingAccount = billingAccount;
        this.attribution = new ArrayList<>();
        for (String a : attribution) {
            String column = ATTRIBUTION.get(a.trim().toLowerCase(Locale.ROOT));
            if (column == null) {
                throw new IllegalArgumentException("--by: " + a + " is not one of team, agent, user, task-type");
            }
            if (!this.attribution.contains(column)) {
                this.attribution.add(column);
            }
        }
    }

    /** Calls {@code sink} with each row (values in {@link #COLUMNS} order; null for empty), for the UTC days [from, to]. */
    public long export(Connection c, String table, LocalDate from, LocalDate to, Consumer<List<String>> sink)
            throws SQLException {
        String attrs = attribution.isEmpty() ? "" : ", " + String.join(", ", attribution);
        String group = "day, provider, company, model, tier, cost_source" + attrs;
        String u =
                "SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(provider, 'unknown') AS provider, company,"
                        + " coalesce(model_key, model, 'api:' || api_service) AS model, coalesce(service_tier, 'standard') AS tier,"
                        + " cost_source, kind" + attrs
                        + ", input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
                        + " cache_write_1h_tokens, reasoning_tokens, input_cost_usd, output_cost_usd, cache_read_cost_usd,"
                        + " cache_write_cost_usd, total_cost_usd,"
                        + " (unit_prices ->> 'inputPerMTok')::numeric AS p_in, (unit_prices ->> 'outputPerMTok')::numeric AS p_out,"
                        + " (unit_prices ->> 'cacheReadPerMTok')::numeric AS p_read, (unit_prices ->> 'cacheWritePerMTok')::numeric AS p_write,"
                        + " (unit_prices ->> 'cacheWrite1hPerMTok')::numeric AS p_write1h,"
                        + " (unit_prices ->> 'reasoningPerMTok')::numeric AS p_reason,"
                        // Parts the row stores together, split by its unit prices: exact (times 0.000001, no division).
                        + " coalesce(cache_write_1h_tokens * (unit_prices ->> 'cacheWrite1hPerMTok')::numeric * 0.000001, 0) AS c_write1h,"
                        + " coalesce(reasoning_tokens * (unit_prices ->> 'reasoningPerMTok')::numeric * 0.000001, 0) AS c_reason"
                        + " FROM " + table + " WHERE occurred_at >= ? AND occurred_at < ?";
        String sql = "WITH u AS (" + u + ")"
                + kind(
                        "input",
                        "p_in",
                        "input_tokens - cache_read_tokens - cache_write_tokens",
                        "input_cost_usd",
                        group)
                + " UNION ALL" + kind("cache-read", "p_read", "cache_read_tokens", "cache_read_cost_usd", group)
                + " UNION ALL"
                + kind(
                        "cache-write-5m",
                        "CASE WHEN cache_write_tokens > cache_write_1h_tokens THEN p_write END",
                        "cache_write_tokens - cache_write_1h_tokens",
                        "cache_write_cost_usd - c_write1h",
                        group)
                + " UNION ALL"
                + kind(
                        "cache-write-1h",
                        "CASE WHEN cache_write_1h_tokens > 0 THEN p_write1h END",
                        "cache_write_1h_tokens",
                        "c_write1h",
                        group)
                + " UNION ALL"
                + kind("output", "p_out", "output_tokens - reasoning_tokens", "output_cost_usd - c_reason", group)
                + " UNION ALL"
                + kind(
                        "reasoning",
                        "CASE WHEN reasoning_tokens > 0 THEN p_reason END",
                        "reasoning_tokens",
                        "c_reason",
                        group)
                + " UNION ALL SELECT " + group
                + ", 'api', NULL::numeric, count(*)::numeric, sum(total_cost_usd), sum(total_cost_usd)"
                + " FROM u WHERE kind = 'api' GROUP BY " + group
                + " UNION ALL SELECT " + group + ", 'adjustment', NULL::numeric, NULL::numeric,"
                + " sum(total_cost_usd - input_cost_usd - output_cost_usd - cache_read_cost_usd - cache_write_cost_usd), 0"
                + " FROM u WHERE kind = 'llm' GROUP BY " + group
                + " HAVING sum(total_cost_usd - input_cost_usd - output_cost_usd - cache_read_cost_usd - cache_write_cost_usd) <> 0"
                + " ORDER BY 1, 2, 4, 5, 6" + attrs + ", " + (7 + attribution.size()) + ", " + (8 + attribution.size());
        long rows = 0;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, from.atStartOfDay().atOffset(ZoneOffset.UTC));
            s.setObject(2, to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sink.accept(row(r));
                    rows++;
                }
            }
        }
        return rows;
    }

    /**
     * One token kind: its quantity and cost summed per group and unit price; for a row the provider
     * billed, the catalog's parts are the list cost and the billed cost alike (the difference is the
     * adjustment row).
     */
    private static String kind(String name, String unitPrice, String quantity, String cost, String group) {
        return " SELECT " + group + ", '" + name + "', " + unitPrice + ", sum(" + quantity + ")::numeric, sum(" + cost
                + "),"
                + " sum(" + cost + ") FROM u WHERE kind = 'llm' GROUP BY " + group + ", " + unitPrice
                + " HAVING sum(" + quantity + ") <> 0 OR sum(" + cost + ") <> 0";
    }

    private List<String> row(ResultSet r) throws SQLException {
        int n = 6 + attribution.size();
        LocalDate day = r.getObject(1, LocalDate.class);
        String provider = r.getString(2);
        String company = r.getString(3);
        String model = r.getString(4);
        String tier = r.getString(5);
        String costSource = r.getString(6);
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < attribution.size(); i++) {
            String v = r.getString(7 + i);
            if (v != null) {
                tags.put(TAG_NAMES.get(attribution.get(i)), v);
            }
        }
        String kind = r.getString(n + 1);
        BigDecimal unitPrice = r.getBigDecimal(n + 2);
        BigDecimal quantity = r.getBigDecimal(n + 3);
        BigDecimal billed = r.getBigDecimal(n + 4);
        BigDecimal list = r.getBigDecimal(n + 5);
        boolean api = kind.equals("api");
        boolean adjustment = kind.equals("adjustment");
        Issuer issuer = ISSUERS.getOrDefault(provider, new Issuer(provider, provider, provider));
        LocalDate month = day.withDayOfMonth(1);
        List<String> v = new ArrayList<>(COLUMNS.size());
        v.add(billingAccount);
        v.add(billingAccount);
        v.add("USD");
        v.add(instant(month));
        v.add(instant(month.plusMonths(1)));
        v.add(instant(day));
        v.add(instant(day.plusDays(1)));
        v.add(adjustment ? "Adjustment" : "Usage");
        v.add(null);
        v.add(
                adjustment
                        ? model + ": the provider's reported cost minus the catalog price of its tokens"
                        : api
                                ? model + " calls"
                                : model + " " + kind + " tokens" + (tier.equals("standard") ? "" : " (" + tier + ")"));
        v.add(adjustment ? "One-Time" : "Usage-Based");
        v.add(plain(billed));
        v.add(plain(billed));
        v.add(plain(list));
        v.add(plain(billed));
        v.add(plain(unitPrice));
        v.add(plain(unitPrice));
        v.add(api || adjustment ? plain(quantity) : plain(quantity == null ? null : quantity.divide(MILLION)));
        v.add(adjustment ? null : api ? "Requests" : "1M Tokens");
        v.add("Standard");
        v.add(plain(quantity));
        v.add(adjustment ? null : api ? "Requests" : "Tokens");
        v.add(issuer.invoiceIssuer());
        v.add(issuer.provider());
        v.add(company != null ? company : issuer.provider());
        v.add("AI and Machine Learning");
        v.add("Generative AI");
        v.add(issuer.service());
        v.add(model + ":" + kind);
        v.add(model + ":" + kind + ":" + tier + (unitPrice == null ? "" : ":" + plain(unitPrice)));
        v.add(json(tags));
        v.add(kind);
        v.add(model);
        v.add(tier);
        v.add(costSource);
        return v;
    }

    private static String instant(LocalDate day) {
        return day.atStartOfDay().atOffset(ZoneOffset.UTC).toInstant().toString();
    }

    /** Exact, as every money figure leaves agentmeter; null stays null (an empty FOCUS cell). */
    private static String plain(BigDecimal d) {
        return d == null ? null : Usd.exact(d);
    }

    private static String json(Map<String, String> tags) {
        return ContractJson.toJson(tags);
    }
}
