package dev.agentmeter.sink;

import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.UsageRows;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ledgers for the tests that read what the sink wrote (reports, what-if, risks, books): a fresh
 * database with the sink's schema and priced rows written as the sink writes them, the rows given
 * as a table a reader can check figures against.
 *
 * <p>A table is a header of {@code agent_usage} column names and one row a line, cells split by
 * white space, {@code -} for none:
 *
 * <pre>
 * event_id occurred_at          agent user_id provider model  input_tokens output_tokens input_cost_usd output_cost_usd
 * a1       2026-11-02T10:00:00Z coder alice   openai   gpt-4o 1000         100           0.0025         0.001
 * </pre>
 *
 * Columns: {@value #COLUMNS}. Required: event_id, occurred_at, agent, and a cost
 * ({@code total_cost_usd}, or {@code input_cost_usd}; {@code output_cost_usd} defaults to 0 and
 * the total to their sum, the input to the total less the output). Every row is an {@code llm}
 * {@code generate} call of 100 ms, {@code success} unless {@code status} says otherwise, priced
 * from the catalog in USD (model_key defaults to the model, company to the provider) with no cache
 * cost, its catalog cost its total, priced at its own time. {@code handoff_chain}: agents joined by
 * commas; {@code priced_service_tier}: the tier the pricing names (none by default, as records
 * written before tiers).
 */
public final class Ledgers {

    static final String COLUMNS = "event_id occurred_at agent user_id team_id session_id handoff_chain provider"
            + " model model_key company cost_source input_tokens output_tokens input_cost_usd output_cost_usd"
            + " total_cost_usd task_type status service_tier priced_service_tier";

    private static final Set<String> KNOWN = Set.of(COLUMNS.split(" "));

    private Ledgers() {}

    /** A new database named {@code name} with the sink's schema and these rows; returns its JDBC URL. */
    public static String create(PostgresExtension pg, String name, List<PricedUsage> rows) throws Exception {
        String url = pg.createDatabase(name);
        SchemaMigrator schema = new SchemaMigrator("agent_usage", "budget_alerts");
        schema.migrate(url, null, null);
        try (PostgresWriter writer = new PostgresWriter(url, null, null, schema)) {
            writer.write(UsageRows.table("agent_usage"), rows, p -> p.event().timestamp());
        }
        return url;
    }

    /** The same, the rows given as a table (see the class comment). */
    public static String create(PostgresExtension pg, String name, String table) throws Exception {
        return create(pg, name, rows(table));
    }

    /** The priced rows of a table (see the class comment), in its order. */
    public static List<PricedUsage> rows(String table) {
        List<String[]> lines = table.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+", -1))
                .toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a ledger table needs a header line");
        }
        String[] header = lines.get(0);
        for (String column : header) {
            if (!KNOWN.contains(column)) {
                throw new IllegalArgumentException("unknown ledger column " + column + "; known: " + COLUMNS);
            }
        }
        List<PricedUsage> rows = new ArrayList<>();
        for (String[] cells : lines.subList(1, lines.size())) {
            if (cells.length != header.length) {
                throw new IllegalArgumentException(
                        header.length + " columns expected, " + cells.length + " in " + Arrays.toString(cells));
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], "-".equals(cells[i]) ? null : cells[i]);
            }
            rows.add(row(row));
        }
        return rows;
    }

    private static PricedUsage row(Map<String, String> row) {
        Instant at = Instant.parse(required(row, "occurred_at"));
        String provider = row.get("provider");
        String model = row.get("model");
        String chain = row.get("handoff_chain");
        String task = row.get("task_type");
        UsageEvent e = UsageEvent.builder()
                .eventId(required(row, "event_id"))
                .timestamp(at)
                .kind("llm")
                .agent(required(row, "agent"))
                .userId(row.get("user_id"))
                .teamId(row.get("team_id"))
                .sessionId(row.get("session_id"))
                .handoffChain(chain == null ? null : List.of(chain.split(",", -1)))
                .provider(provider)
                .model(model)
                .usage(Usage.of(tokens(row, "input_tokens"), tokens(row, "output_tokens")))
                .task(task == null ? null : new Task(task, null, null))
                .serviceTier(row.get("service_tier"))
                .call(new Call("generate", null, 100L, row.getOrDefault("status", "success"), null, null))
                .build();
        String source = row.get("cost_source");
        Pricing pricing = new Pricing(
                row.containsKey("model_key") ? row.get("model_key") : model,
                row.containsKey("company") ? row.get("company") : provider,
                provider,
                source == null ? CostSource.CATALOG : CostSource.valueOf(source.toUpperCase(Locale.ROOT)),
                null,
                false,
                row.get("priced_service_tier"),
                Pricing.USD,
                null);
        BigDecimal out = usd(row, "output_cost_usd", BigDecimal.ZERO);
        BigDecimal in = usd(row, "input_cost_usd", null);
        BigDecimal total = usd(row, "total_cost_usd", null);
        if (in == null && total == null) {
            throw new IllegalArgumentException("a ledger row needs total_cost_usd or input_cost_usd: " + row);
        }
        in = in == null ? total.subtract(out) : in;
        total = total == null ? in.add(out) : total;
        return new PricedUsage(e, pricing, new Cost(in, out, BigDecimal.ZERO, BigDecimal.ZERO, total, total), at);
    }

    private static String required(Map<String, String> row, String column) {
        String value = row.get(column);
        if (value == null) {
            throw new IllegalArgumentException("a ledger row needs " + column + ": " + row);
        }
        return value;
    }

    private static long tokens(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null ? 0 : Long.parseLong(value.replace("_", ""));
    }

    private static BigDecimal usd(Map<String, String> row, String column, BigDecimal none) {
        String value = row.get(column);
        return value == null ? none : new BigDecimal(value);
    }
}
