package dev.agentmeter.sink.bench;

import dev.agentmeter.embedded.LocalPostgres;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.sink.Samples;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.Column;
import dev.agentmeter.sink.write.PgText;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.TableSpec;
import dev.agentmeter.sink.write.UsageRows;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Rows/s into {@code agent_usage} on one embedded PostgreSQL, three ways, same rows, same table:
 * <ol>
 *   <li>the sink's write path from the Kafka record bytes: parse JSON, batches of 2000, COPY into
 *       a staging table + INSERT ... ON CONFLICT DO NOTHING, one transaction per batch;</li>
 *   <li>raw COPY: the same rows, pre-rendered as CSV, in one COPY straight into the table (no
 *       parsing, no conflict check: the upper bound);</li>
 *   <li>one INSERT per record, autocommit (what a naive sink does), on a tenth of the rows.</li>
 * </ol>
 * Prints figures; asserts nothing. {@code mvn -B -pl sink-connector -am -Pbench -DskipTests verify}.
 */
public final class SinkThroughputBenchmark {

    private static final String TABLE = "agent_usage";
    private static final int BATCH = Integer.getInteger("bench.batch", 2000);

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Instant day = Instant.parse("2026-11-22T00:00:00Z");
        List<PricedUsage> usage = new ArrayList<>(rows);
        List<byte[]> wire = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            PricedUsage full = Samples.full("evt-" + i, day.plusMillis(i * 10L));
            PricedUsage p = i % 2 == 0
                    ? full
                    : Samples.simple("evt-" + i, day.plusMillis(i * 10L), "u" + (i % 1000), new BigDecimal("0.0105"));
            usage.add(p);
            wire.add(ContractJson.toBytes(p));
        }
        try (LocalPostgres pg = LocalPostgres.temporary().start()) {
            SchemaMigrator schema = new SchemaMigrator(TABLE, "budget_alerts");
            schema.migrate(pg.jdbcUrl(), null, null);
            TableSpec<PricedUsage> table = UsageRows.table(TABLE);
            try (PostgresWriter writer = new PostgresWriter(pg.jdbcUrl(), null, null, schema);
                    Connection c = pg.connect()) {
                writer.ensurePartitionsAhead(day, 1);
                for (int round = 1; round <= 2; round++) { // round 1 warms up the JIT and the server
                    truncate(c);
                    double sink = sinkPath(writer, table, wire);
                    truncate(c);
                    double copy = rawCopy(c, table, usage);
                    double parse = parseOnly(wire);
                    truncate(c);
                    double single = insertPerRecord(c, table, usage.subList(0, Math.max(1, rows / 10)));
                    System.out.printf(
                            Locale.ROOT,
                            "round %d: sink path %,.0f rows/s | raw COPY %,.0f rows/s | "
                                    + "INSERT per record %,.0f rows/s | JSON parse alone %,.0f rows/s | sink / COPY = %.2f | rows in table: %s%n",
                            round,
                            sink,
                            copy,
                            single,
                            parse,
                            sink / copy,
                            count(c));
                }
                truncate(c);
                sinkPath(writer, table, wire);
                double redelivery = sinkPath(writer, table, wire);
                System.out.printf(
                        Locale.ROOT,
                        "redelivery of all %,d rows (every row a conflict): %,.0f rows/s, rows in table: %s%n",
                        rows,
                        redelivery,
                        count(c));
            }
        }
    }

    private static double sinkPath(PostgresWriter writer, TableSpec<PricedUsage> table, List<byte[]> wire)
            throws Exception {
        long start = System.nanoTime();
        List<PricedUsage> batch = new ArrayList<>(BATCH);
        for (byte[] bytes : wire) {
            batch.add(ContractJson.mapper().readValue(bytes, PricedUsage.class));
            if (batch.size() == BATCH) {
                writer.write(table, batch, p -> p.event().timestamp());
                batch.clear();
            }
        }
        writer.write(table, batch, p -> p.event().timestamp());
        return wire.size() / seconds(start);
    }

    private static double parseOnly(List<byte[]> wire) throws Exception {
        long start = System.nanoTime();
        long agentChars = 0; // consumed, so the JIT cannot drop the parse
        for (byte[] bytes : wire) {
            agentChars += ContractJson.mapper()
                    .readValue(bytes, PricedUsage.class)
                    .event()
                    .agent()
                    .length();
        }
        double rate = wire.size() / seconds(start);
        if (agentChars == 0) {
            throw new IllegalStateException("no agent parsed");
        }
        return rate;
    }

    private static double rawCopy(Connection c, TableSpec<PricedUsage> table, List<PricedUsage> usage)
            throws Exception {
        StringBuilder csv = new StringBuilder(usage.size() * 600);
        for (PricedUsage p : usage) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (i > 0) {
                    csv.append(',');
                }
                PgText.appendCsv(csv, table.columns().get(i).value().apply(p));
            }
            csv.append('\n');
        }
        String text = csv.toString();
        long start = System.nanoTime();
        c.setAutoCommit(true);
        c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                        "COPY " + TABLE + " (" + table.columnList() + ") FROM STDIN (FORMAT csv)",
                        new StringReader(text));
        return usage.size() / seconds(start);
    }

    private static double insertPerRecord(Connection c, TableSpec<PricedUsage> table, List<PricedUsage> usage)
            throws Exception {
        String placeholders =
                table.columns().stream().map(col -> "?::" + col.sqlType()).collect(Collectors.joining(", "));
        c.setAutoCommit(true);
        long start = System.nanoTime();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (" + table.columnList()
                + ") VALUES (" + placeholders + ") ON CONFLICT DO NOTHING")) {
            for (PricedUsage p : usage) {
                int i = 1;
                for (Column<PricedUsage> column : table.columns()) {
                    insert.setString(i++, PgText.encode(column.value().apply(p)));
                }
                insert.executeUpdate();
            }
        }
        return usage.size() / seconds(start);
    }

    private static void truncate(Connection c) throws Exception {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + TABLE);
            s.execute("VACUUM ANALYZE " + TABLE);
        }
    }

    private static String count(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
