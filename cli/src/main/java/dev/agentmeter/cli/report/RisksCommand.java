package dev.agentmeter.cli.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.Csv;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.analytics.risk.RiskAssessment;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.OutputOptions;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code agentmeter risks}: the planned risk assessment ({@link RiskAssessment}). */
@Command(
        name = "risks",
        mixinStandardHelpOptions = true,
        description = {
            "Risk assessment from the stored usage and the catalog: price exposure, vendor concentration,",
            "availability (unpriced and retiring models) and usage patterns, each with an action; default window: last 30 days."
        })
public final class RisksCommand implements Runnable {

    @Mixin
    Endpoints endpoints;

    @Mixin
    ReportOptions scope;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "Only this model's usage (name or catalog key).")
    String model;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--deprecations",
            paramLabel = "FILE",
            description =
                    "Retirement dates as JSON [{\"model\", \"retires\", \"replacement\"}] instead of the bundled list.")
    Path deprecations;

    @Override
    public void run() {
        OutputOptions.Output format = output.format();
        List<RiskAssessment.Deprecation> retiring;
        try {
            retiring = deprecations == null
                    ? RiskAssessment.bundledDeprecations()
                    : RiskAssessment.deprecations(ContractJson.mapper().readTree(deprecations.toFile()));
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(
                    spec.commandLine(), "--deprecations: cannot read " + deprecations + ": " + e.getMessage());
        }
        Instant now = Instant.now();
        Window window = scope.window(now, "last-30-days");
        try (Connection c = DriverManager.getConnection(endpoints.pgUrl)) {
            List<RiskAssessment.Finding> findings = new RiskAssessment(
                            c, scope.table, scope.filters(model), new PriceCatalog(BundledCatalog.load()), retiring)
                    .assess(window, now);
            PrintWriter out = spec.commandLine().getOut();
            switch (format) {
                case json -> out.println(json(window, findings));
                case csv -> csv(out, findings);
                case table -> table(out, window, findings);
            }
            out.flush();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query Postgres: " + e.getMessage(), e);
        }
    }

    private static void table(PrintWriter out, Window w, List<RiskAssessment.Finding> findings) {
        out.printf("Risks, %s (%d findings)%n", w.label(), findings.size());
        String category = null;
        for (RiskAssessment.Finding f : findings) {
            if (!f.category().equals(category)) {
                category = f.category();
                out.printf("%n%s%n", category.toUpperCase(Locale.ROOT).replace('-', ' '));
            }
            out.printf(
                    "  %s (%s)%n    %s%n    → %s%s%n",
                    f.subject(),
                    Usd.human(f.spendUsd()),
                    f.finding(),
                    f.action(),
                    f.savingsUsd() == null ? "" : " — saves " + Usd.human(f.savingsUsd()));
        }
    }

    private static void csv(PrintWriter out, List<RiskAssessment.Finding> findings) {
        out.println("category,subject,spend_usd,finding,action,savings_usd");
        for (RiskAssessment.Finding f : findings) {
            out.println(String.join(
                    ",",
                    f.category(),
                    Csv.field(f.subject()),
                    Usd.exact(f.spendUsd()),
                    Csv.field(f.finding()),
                    Csv.field(f.action()),
                    f.savingsUsd() == null ? "" : Usd.exact(f.savingsUsd())));
        }
    }

    private static String json(Window w, List<RiskAssessment.Finding> findings) {
        ObjectNode root = ContractJson.mapper().createObjectNode();
        root.put("window", w.label()).put("from", w.from().toString()).put("to", w.to().toString());
        ArrayNode list = root.putArray("findings");
        for (RiskAssessment.Finding f : findings) {
            list.addObject()
                    .put("category", f.category())
                    .put("subject", f.subject())
                    .put("spendUsd", Usd.exact(f.spendUsd()))
                    .put("finding", f.finding())
                    .put("action", f.action())
                    .put("savingsUsd", f.savingsUsd() == null ? null : Usd.exact(f.savingsUsd()));
        }
        return root.toPrettyString();
    }
}
