package dev.agentmeter.cli.books;

import dev.agentmeter.analytics.Csv;
import dev.agentmeter.analytics.focus.FocusExport;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.SubcommandGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agentmeter export}: the ledger in the formats other tools read. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export the ledger for other tools.",
        subcommands = ExportCommand.Focus.class)
public final class ExportCommand extends SubcommandGroup {

    @Command(
            name = "focus",
            mixinStandardHelpOptions = true,
            description = {
                "FinOps FOCUS 1.2 rows: one per UTC day, provider, model, token kind and attribution (docs/books.md).",
                "Token rows' ConsumedQuantity adds up to the input and output tokens, BilledCost to the tracked cost, exactly."
            })
    static final class Focus implements Runnable {
        @Mixin
        Endpoints endpoints;

        @Spec
        CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First UTC day.")
        LocalDate from;

        @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last UTC day, inclusive.")
        LocalDate to;

        @Option(
                names = "--by",
                split = ",",
                defaultValue = "team,agent",
                paramLabel = "DIMENSION[,…]",
                description =
                        "Attribution of each row: team, agent, user, task-type (default ${DEFAULT-VALUE}); in Tags too.")
        List<String> by;

        @Option(
                names = "--format",
                defaultValue = "csv",
                paramLabel = "csv|parquet",
                description = "Default ${DEFAULT-VALUE}.")
        String format;

        @Option(
                names = "--output",
                paramLabel = "FILE",
                description = "Where to write (csv: default standard output; parquet needs it).")
        Path output;

        @Option(
                names = "--billing-account",
                defaultValue = "agentmeter",
                paramLabel = "NAME",
                description = "BillingAccountId and BillingAccountName of every row (default ${DEFAULT-VALUE}).")
        String billingAccount;

        @Option(names = "--table", defaultValue = "agent_usage", hidden = true)
        String table;

        @Override
        public void run() {
            if (to.isBefore(from)) {
                throw new ParameterException(spec.commandLine(), "--to " + to + " is before --from " + from);
            }
            if (!format.equals("csv") && !format.equals("parquet")) {
                throw new ParameterException(spec.commandLine(), "--format must be csv or parquet, not " + format);
            }
            if (format.equals("parquet") && output == null) {
                throw new ParameterException(spec.commandLine(), "--format parquet needs --output FILE");
            }
            FocusExport export;
            try {
                export = new FocusExport(billingAccount, by);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
                long rows;
                if (format.equals("csv")) {
                    if (output == null) {
                        rows = write(export, c, spec.commandLine().getOut(), true);
                        spec.commandLine().getOut().flush();
                    } else {
                        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                            rows = write(export, c, w, true);
                        }
                    }
                } else {
                    Path csv = Files.createTempFile("agentmeter-focus", ".csv");
                    try {
                        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                            rows = write(export, c, w, false); // read by DuckDB only: exact, unguarded
                        }
                        Files.deleteIfExists(output);
                        Parquet.csvToParquet(csv, output, FocusExport.DECIMALS);
                    } finally {
                        Files.deleteIfExists(csv);
                    }
                }
                if (output != null) {
                    spec.commandLine().getErr().println("export focus: " + rows + " rows to " + output);
                }
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("export focus failed: " + e.getMessage(), e);
            }
        }

        /** @param guarded whether text a spreadsheet would run as a formula is guarded ({@link Csv#field}) */
        private long write(FocusExport export, Connection c, Writer w, boolean guarded) throws SQLException {
            PrintWriter out = w instanceof PrintWriter p ? p : new PrintWriter(w);
            out.print(String.join(",", FocusExport.COLUMNS) + "\n");
            long rows = export.export(
                    c,
                    table,
                    from,
                    to,
                    values -> out.print(values.stream()
                                    .map(v -> guarded ? Csv.field(v) : Csv.exactField(v))
                                    .collect(Collectors.joining(","))
                            + "\n"));
            out.flush();
            if (out.checkError()) {
                throw new UncheckedIOException(new IOException("cannot write the export"));
            }
            return rows;
        }
    }
}
