package dev.agentmeter.analytics.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentmeter.model.json.ContractJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The provider exports {@code agentmeter reconcile} reads, each in its documented format, and the
 * {@code provider} values of the tracked rows each is matched against.
 */
public enum BillSource {

    /**
     * OpenAI {@code GET /v1/organization/costs?bucket_width=1d&group_by=line_item&group_by=project_id}
     * (the JSON page, or several pages concatenated as a JSON array): {@code data[].start_time}
     * (epoch seconds), {@code results[].amount.value} (USD), {@code line_item}
     * ({@code "<model>, input"}) and {@code project_id}.
     */
    OPENAI_COSTS("openai-costs"),
    /**
     * Anthropic Admin API {@code GET /v1/organizations/cost_report?group_by[]=description&group_by[]=workspace_id}:
     * {@code data[].starting_at}, {@code results[].amount} (a decimal string in CENTS),
     * {@code model}, {@code cost_type} ({@code tokens}, {@code web_search}, {@code code_execution})
     * and {@code workspace_id}.
     */
    ANTHROPIC_COST_REPORT("anthropic-cost-report"),
    /**
     * AWS Cost and Usage Report (CUR 2.0 or legacy CSV, optionally gzipped; CUR 2.0 Parquet through
     * {@link #awsCurRows}): Bedrock lines ({@link BedrockLineItems}), the day of
     * {@code line_item_usage_start_date}, {@code line_item_unblended_cost}, the model from
     * {@code line_item_resource_id} ({@code …/foundation-model/<id>} or {@code …/inference-profile/<id>})
     * else from the usage type, and {@code line_item_iam_principal} where the export has it.
     */
    AWS_CUR("aws-cur");

    private final String id;

    BillSource(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The tracked rows' {@code provider} values this bill covers. */
    public List<String> providers() {
        return switch (this) {
            case OPENAI_COSTS -> List.of("openai");
            case ANTHROPIC_COST_REPORT -> List.of("anthropic");
            case AWS_CUR -> List.of("aws-bedrock", "bedrock");
        };
    }

    public static BillSource of(String id) {
        for (BillSource s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown --source " + id + "; one of openai-costs, anthropic-cost-report, aws-cur");
    }

    public List<BilledItem> read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return switch (this) {
                case OPENAI_COSTS -> openAi(ContractJson.mapper().readTree(in));
                case ANTHROPIC_COST_REPORT -> anthropic(ContractJson.mapper().readTree(in));
                case AWS_CUR -> awsCur(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            };
        }
    }

    private static List<JsonNode> pages(JsonNode root) {
        List<JsonNode> pages = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(pages::add);
        } else {
            pages.add(root);
        }
        return pages;
    }

    static List<BilledItem> openAi(JsonNode root) {
        List<BilledItem> out = new ArrayList<>();
        for (JsonNode page : pages(root)) {
            for (JsonNode bucket : page.path("data")) {
                LocalDate day = Instant.ofEpochSecond(bucket.path("start_time").asLong())
                        .atOffset(ZoneOffset.UTC)
                        .toLocalDate();
                for (JsonNode r : bucket.path("results")) {
                    String lineItem = r.path("line_item").asText(null);
                    if (lineItem == null) {
                        throw new IllegalArgumentException(
                                "OpenAI costs export without line_item: export it with group_by=line_item");
                    }
                    int comma = lineItem.lastIndexOf(", ");
                    String model = comma > 0 ? lineItem.substring(0, comma) : lineItem;
                    out.add(new BilledItem(
                            day,
                            model,
                            r.path("project_id").asText(null),
                            r.path("amount").path("value").decimalValue()));
                }
            }
        }
        return out;
    }

    static List<BilledItem> anthropic(JsonNode root) {
        List<BilledItem> out = new ArrayList<>();
        for (JsonNode page : pages(root)) {
            for (JsonNode bucket : page.path("data")) {
                LocalDate day = OffsetDateTime.parse(bucket.path("starting_at").asText())
                        .atZoneSameInstant(ZoneOffset.UTC)
                        .toLocalDate();
                for (JsonNode r : bucket.path("results")) {
                    String model = r.path("model").asText(null);
                    String type = r.path("cost_type").asText("tokens");
                    if (model == null) {
                        model = "tokens".equals(type)
                                ? r.path("description").asText("(unnamed)")
                                : "api:anthropic-" + type.replace('_', '-');
                    }
                    // amount is in the currency's lowest unit (cents), as a decimal string: "123.45" is $1.2345.
                    BigDecimal usd = new BigDecimal(r.path("amount").asText("0")).movePointLeft(2);
                    out.add(new BilledItem(day, model, r.path("workspace_id").asText(null), usd));
                }
            }
        }
        return out;
    }

    static List<BilledItem> awsCur(BufferedReader in) throws IOException {
        List<String> header = Csv.row(in);
        if (header == null) {
            return List.of();
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> row = Csv.row(in); row != null; row = Csv.row(in)) {
            if (row.size() < header.size()) {
                continue;
            }
            Map<String, String> r = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                r.put(header.get(i).trim(), row.get(i));
            }
            rows.add(r);
        }
        if (rows.isEmpty()) {
            Map<String, String> columnsOnly = new HashMap<>();
            header.forEach(h -> columnsOnly.put(h.trim(), null));
            requireColumns(columnsOnly);
        }
        return awsCurRows(rows);
    }

    /**
     * CUR line items as column → text (CSV, legacy {@code lineItem/UsageType} names included, or the
     * rows of a CUR 2.0 Parquet file): Bedrock usage lines ({@link BedrockLineItems#isBedrock}) of
     * type Usage, DiscountedUsage or SavingsPlanCoveredUsage, each named by the model its resource
     * id holds, else by what its usage type, product name or description says; lines that are not
     * model usage (provisioned throughput, guardrails, knowledge bases, …) are items of their own.
     */
    public static List<BilledItem> awsCurRows(Iterable<Map<String, String>> rows) {
        List<BilledItem> out = new ArrayList<>();
        boolean checked = false;
        for (Map<String, String> raw : rows) {
            Map<String, String> row = new HashMap<>();
            raw.forEach((k, v) -> row.put(snake(k.trim()), v));
            if (!checked) {
                requireColumns(row);
                checked = true;
            }
            String productName = first(row, "product_product_name", "product_name");
            if (!BedrockLineItems.isBedrock(row.get("line_item_product_code"), productName)) {
                continue;
            }
            String type = row.get("line_item_line_item_type");
            if (type != null
                    && !List.of("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")
                            .contains(type)) {
                continue;
            }
            String resource = row.get("line_item_resource_id");
            String model = resource != null ? modelOf(resource) : null;
            if (model == null) {
                model = BedrockLineItems.classify(
                                row.get("line_item_usage_type"),
                                productName,
                                row.get("line_item_line_item_description"))
                        .billName();
            }
            String start = row.get("line_item_usage_start_date");
            LocalDate day = OffsetDateTime.parse(
                            start.trim().replace(" ", "T").replaceFirst("(T\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)$", "$1Z"))
                    .atZoneSameInstant(ZoneOffset.UTC)
                    .toLocalDate();
            String principal = row.get("line_item_iam_principal");
            String account = principal != null && !principal.isBlank() ? principal : null;
            out.add(new BilledItem(
                    day,
                    model,
                    account,
                    new BigDecimal(row.get("line_item_unblended_cost").trim())));
        }
        return out;
    }

    private static void requireColumns(Map<String, String> row) {
        Map<String, String> snaked = new HashMap<>();
        row.forEach((k, v) -> snaked.put(snake(k), v));
        for (String c : List.of("line_item_usage_start_date", "line_item_unblended_cost")) {
            if (!snaked.containsKey(c)) {
                throw new IllegalArgumentException("not a Cost and Usage Report: no " + c + " column");
            }
        }
    }

    private static String first(Map<String, String> row, String... columns) {
        for (String c : columns) {
            String v = row.get(c);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String snake(String legacy) {
        String s = legacy.replace("lineItem/", "line_item_").replace("product/", "product_");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** {@code arn:…:foundation-model/anthropic.claude-…} or {@code …:inference-profile/us.anthropic.claude-…}. */
    static String modelOf(String resourceId) {
        for (String marker : Arrays.asList("foundation-model/", "inference-profile/")) {
            int at = resourceId.indexOf(marker);
            if (at >= 0) {
                return resourceId.substring(at + marker.length());
            }
        }
        return null;
    }

    /** RFC 4180: quoted fields may hold commas, quotes ("") and newlines. */
    static final class Csv {
        private Csv() {}

        static List<String> row(BufferedReader in) throws IOException {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (true) {
                for (int i = 0; i < line.length(); i++) {
                    char ch = line.charAt(i);
                    if (quoted) {
                        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else if (ch == '"') {
                            quoted = false;
                        } else {
                            field.append(ch);
                        }
                    } else if (ch == '"') {
                        quoted = true;
                    } else if (ch == ',') {
                        fields.add(field.toString());
                        field.setLength(0);
                    } else {
                        field.append(ch);
                    }
                }
                if (!quoted) {
                    break;
                }
                String next = in.readLine();
                if (next == null) {
                    break;
                }
                field.append('\n');
                line = next;
            }
            fields.add(field.toString());
            return fields;
        }
    }
}
