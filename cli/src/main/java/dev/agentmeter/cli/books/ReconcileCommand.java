package dev.agentmeter.cli.books;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.Csv;
import dev.agentmeter.analytics.reconcile.BillFetcher;
import dev.agentmeter.analytics.reconcile.BillSource;
import dev.agentmeter.analytics.reconcile.BilledItem;
import dev.agentmeter.analytics.reconcile.Reconciler;
import dev.agentmeter.analytics.reconcile.ReconciliationRuns;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.OutputOptions;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agentmeter reconcile}: tracked spend against a provider's own cost export ({@link Reconciler}). */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description = {
            "Compare tracked spend with a provider's bill, per day and model: capture rate,",
            "differences beyond the tolerance, and items on one side only."
        })
public final class ReconcileCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--source",
            required = true,
            paramLabel = "openai-costs|anthropic-cost-report|aws-cur",
            description = "The export's format (docs/books.md says how to export each).")
    String source;

    @Parameters(
            paramLabel = "FILE",
            arity = "0..1",
            description = "The provider's export (JSON for OpenAI and Anthropic; CUR 2.0 Parquet,"
                    + " or CSV with .gz allowed, for AWS); none with --fetch.")
    Path file;

    @Option(
            names = "--fetch",
            description = "Fetch the bill from the provider's API instead of a file (openai-costs: env"
                    + " OPENAI_ADMIN_KEY; anthropic-cost-report: env ANTHROPIC_ADMIN_KEY); needs --from and --to.")
    boolean fetch;

    @Option(
            names = "--api-base",
            paramLabel = "URL",
            hidden = true,
            description = "The provider API's base URL (tests).")
    String apiBase;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First UTC day (default: the bill's first day).")
    LocalDate from;

    @Option(
            names = "--to",
            paramLabel = "YYYY-MM-DD",
            description = "Last UTC day, inclusive (default: the bill's last day).")
    LocalDate to;

    @Option(
            names = "--days",
            paramLabel = "N",
            description =
                    "The N whole UTC days before today, instead of --from/--to"
                            + " (a scheduled run: providers finish a day's costs within about a day, so 3 re-checks what changed late).")
    Integer days;

    @Option(
            names = "--record",
            description =
                    "Also record the run's totals in the reconciliation_runs table (needs a login"
                            + " that may write it); the dashboard exports the latest run per source as agentmeter_reconcile_* metrics.")
    boolean record;

    @Option(
            names = "--tolerance",
            defaultValue = "1%",
            paramLabel = "N%",
            description = "A difference up to this share of the billed amount is a match (default ${DEFAULT-VALUE}).")
    String tolerance;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--account-attribute",
            paramLabel = "NAME",
            description =
                    "Match per account too: the tracked events' attribute holding the project, workspace or IAM principal.")
    String accountAttribute;

    @Option(names = "--table", defaultValue = "agent_usage", hidden = true)
    String table;

    @Override
    public void run() {
        BillSource bill;
        BigDecimal tolerancePercent;
        try {
            bill = BillSource.of(source);
            tolerancePercent = new BigDecimal(tolerance.trim().replace("%", ""));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (days != null) {
            if (from != null || to != null || days < 1) {
                throw new ParameterException(spec.commandLine(), "--days N (1 or more) replaces --from and --to");
            }
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            from = today.minusDays(days);
            to = today.minusDays(1);
        }
        OutputOptions.Output format = output.format();
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            List<BilledItem> items = fetch
                    ? fetched(bill)
                    : file == null
                            ? missingFile()
                            : file.toString().endsWith(".parquet") ? parquet(bill) : bill.read(file);
            if (items.isEmpty() && !fetch) {
                throw new ParameterException(spec.commandLine(), file + " holds no billed items for " + bill.id());
            }
            LocalDate first = from != null
                    ? from
                    : items.stream()
                            .map(BilledItem::day)
                            .min(Comparator.naturalOrder())
                            .orElseThrow();
            LocalDate last = to != null
                    ? to
                    : items.stream()
                            .map(BilledItem::day)
                            .max(Comparator.naturalOrder())
                            .orElseThrow();
            Reconciler.Result result =
                    reconcile(c, table, bill, items, first, last, tolerancePercent, accountAttribute);
            PrintWriter out = spec.commandLine().getOut();
            switch (format) {
                case json -> out.println(json(bill, result));
                case csv -> csv(out, result);
                case table -> table(out, bill, result);
            }
            out.flush();
            if (record) {
                ReconciliationRuns.record(c, ReconciliationRuns.Run.of(bill, result, Instant.now()));
                spec.commandLine().getErr().println("recorded in " + ReconciliationRuns.TABLE);
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("reconcile failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tracked spend in {@code table} against {@code items} over {@code first} … {@code last}. */
    public static Reconciler.Result reconcile(
            Connection c,
            String table,
            BillSource bill,
            List<BilledItem> items,
            LocalDate first,
            LocalDate last,
            BigDecimal tolerancePercent,
            String accountAttribute)
            throws SQLException {
        PriceCatalog catalog = new PriceCatalog(BundledCatalog.load());
        return new Reconciler(name -> modelKey(catalog, name))
                .reconcile(
                        items,
                        Reconciler.tracked(c, table, bill, first, last, accountAttribute),
                        first,
                        last,
                        tolerancePercent,
                        accountAttribute != null);
    }

    /** The environment variable holding {@code bill}'s admin key, for the sources that can be fetched. */
    public static String adminKeyVariable(BillSource bill) {
        return switch (bill) {
            case OPENAI_COSTS -> "OPENAI_ADMIN_KEY";
            case ANTHROPIC_COST_REPORT -> "ANTHROPIC_ADMIN_KEY";
            case AWS_CUR ->
                throw new IllegalArgumentException(
                        "aws-cur is read from the export's files (Data Exports to S3), not fetched");
        };
    }

    /** The provider API's base URL for {@code bill}. */
    public static String apiBase(BillSource bill) {
        return bill == BillSource.OPENAI_COSTS ? BillFetcher.OPENAI_BASE : BillFetcher.ANTHROPIC_BASE;
    }

    private List<BilledItem> missingFile() {
        throw new ParameterException(spec.commandLine(), "give the export FILE, or --fetch");
    }

    private List<BilledItem> fetched(BillSource bill) throws IOException, InterruptedException {
        if (from == null || to == null) {
            throw new ParameterException(spec.commandLine(), "--fetch needs --from and --to, or --days");
        }
        if (file != null) {
            throw new ParameterException(spec.commandLine(), "--fetch reads the API: give no FILE");
        }
        try {
            String variable = adminKeyVariable(bill);
            String key = System.getenv(variable);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("--fetch needs the admin key in " + variable);
            }
            return BillFetcher.items(
                    bill,
                    new BillFetcher(apiBase != null ? apiBase : apiBase(bill), key, Duration.ofMillis(500))
                            .fetch(bill, from, to));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The catalog's key for a provider's model name; Bedrock's cross-region prefixes (us., eu., …) are tried without. */
    static String modelKey(PriceCatalog catalog, String name) {
        if (name == null || name.startsWith("api:")) {
            return name;
        }
        Optional<ModelPrice> found = catalog.find(name);
        if (found.isEmpty() && name.matches("^(us|eu|apac|jp|au|ca|us-gov)\\..*")) {
            found = catalog.find(name.substring(name.indexOf('.') + 1));
        }
        return found.map(ModelPrice::modelKey).orElse(name);
    }

    private static void table(PrintWriter out, BillSource bill, Reconciler.Result r) {
        out.printf(
                "Reconciliation against %s, %s … %s (tolerance %s %%)%n",
                bill.id(), r.from(), r.to(), r.tolerancePercent().toPlainString());
        out.printf(
                "Billed %s   Tracked %s   Capture rate %s%n%n",
                Usd.human(r.billedUsd()), Usd.human(r.trackedUsd()), pct(r.captureRatePercent()));
        out.printf("%-10s %12s %12s %9s%n", "DAY", "BILLED", "TRACKED", "CAPTURE");
        for (Reconciler.Day d : r.days()) {
            out.printf(
                    "%-10s %12s %12s %9s%n",
                    d.day(), Usd.human(d.billedUsd()), Usd.human(d.trackedUsd()), pct(d.captureRatePercent()));
        }
        List<Reconciler.Line> issues = r.discrepancies();
        out.printf(
                "%n%s%n",
                issues.isEmpty()
                        ? "No discrepancies beyond the tolerance."
                        : issues.size() + " discrepanc" + (issues.size() == 1 ? "y" : "ies") + ":");
        if (!issues.isEmpty()) {
            out.printf(
                    "%-10s %-28s %-16s %12s %12s %12s  %s%n",
                    "DAY", "MODEL", "ACCOUNT", "BILLED", "TRACKED", "DIFFERENCE", "STATUS");
            for (Reconciler.Line l : issues) {
                out.printf(
                        "%-10s %-28s %-16s %12s %12s %12s  %s%n",
                        l.day(),
                        l.model(),
                        l.account() == null ? "" : l.account(),
                        l.billedUsd() == null ? "–" : Usd.human(l.billedUsd()),
                        l.trackedUsd() == null ? "–" : Usd.human(l.trackedUsd()),
                        Usd.human(l.differenceUsd()),
                        l.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
    }

    private static String pct(BigDecimal p) {
        return Percent.human(p);
    }

    private static void csv(PrintWriter out, Reconciler.Result r) {
        out.println("day,model,account,billed_usd,tracked_usd,difference_usd,status");
        for (Reconciler.Line l : r.lines()) {
            out.println(String.join(
                    ",",
                    l.day().toString(),
                    Csv.field(l.model()),
                    Csv.field(l.account()),
                    Usd.exact(l.billedUsd()),
                    Usd.exact(l.trackedUsd()),
                    Usd.exact(l.differenceUsd()),
                    l.status().name()));
        }
    }

    private static String json(BillSource bill, Reconciler.Result r) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        root.put("source", bill.id())
                .put("from", r.from().toString())
                .put("to", r.to().toString())
                .put("tolerancePercent", r.tolerancePercent().toPlainString())
                .put("billedUsd", Usd.exact(r.billedUsd()))
                .put("trackedUsd", Usd.exact(r.trackedUsd()))
                .put(
                        "captureRatePercent",
                        r.captureRatePercent() == null
                                ? null
                                : r.captureRatePercent().toPlainString());
        ArrayNode days = root.putArray("days");
        for (Reconciler.Day d : r.days()) {
            days.addObject()
                    .put("day", d.day().toString())
                    .put("billedUsd", Usd.exact(d.billedUsd()))
                    .put("trackedUsd", Usd.exact(d.trackedUsd()))
                    .put(
                            "captureRatePercent",
                            d.captureRatePercent() == null
                                    ? null
                                    : d.captureRatePercent().toPlainString());
        }
        ArrayNode lines = root.putArray("lines");
        for (Reconciler.Line l : r.lines()) {
            lines.addObject()
                    .put("day", l.day().toString())
                    .put("model", l.model())
                    .put("account", l.account())
                    .put("billedUsd", l.billedUsd() == null ? null : Usd.exact(l.billedUsd()))
                    .put("trackedUsd", l.trackedUsd() == null ? null : Usd.exact(l.trackedUsd()))
                    .put("differenceUsd", Usd.exact(l.differenceUsd()))
                    .put("status", l.status().name());
        }
        return root.toPrettyString();
    }

    private List<BilledItem> parquet(BillSource bill) throws SQLException {
        if (bill != BillSource.AWS_CUR) {
            throw new ParameterException(
                    spec.commandLine(), "a Parquet file is an AWS CUR export: use --source aws-cur");
        }
        return BillSource.awsCurRows(Parquet.rows(file));
    }
}
