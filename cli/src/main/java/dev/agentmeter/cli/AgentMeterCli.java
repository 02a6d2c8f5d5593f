package dev.agentmeter.cli;

import dev.agentmeter.cli.books.ArchiveCommand;
import dev.agentmeter.cli.books.ExportCommand;
import dev.agentmeter.cli.books.ReconcileCommand;
import dev.agentmeter.cli.kafka.AlertsCommand;
import dev.agentmeter.cli.kafka.BudgetsCommand;
import dev.agentmeter.cli.kafka.LoadCommand;
import dev.agentmeter.cli.kafka.PricesCommand;
import dev.agentmeter.cli.kafka.SpendCommand;
import dev.agentmeter.cli.kafka.TrackCommand;
import dev.agentmeter.cli.recover.DlqCommand;
import dev.agentmeter.cli.recover.RejectedCommand;
import dev.agentmeter.cli.report.ReportCommand;
import dev.agentmeter.cli.report.RisksCommand;
import dev.agentmeter.cli.report.WhatIfCommand;
import dev.agentmeter.cli.up.UpCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code agentmeter} command. Exit codes: 0 ok, 1 failure, 2 bad usage. */
@Command(
        name = "agentmeter",
        mixinStandardHelpOptions = true,
        versionProvider = AgentMeterCli.Version.class,
        description = "Cost tracking for AI agents: run the pipeline, capture usage, report spend.",
        subcommands = {
            UpCommand.class,
            TrackCommand.class,
            ReportCommand.class,
            WhatIfCommand.class,
            PricesCommand.class,
            BudgetsCommand.class,
            SpendCommand.class,
            AlertsCommand.class,
            LoadCommand.class,
            RejectedCommand.class,
            DlqCommand.class,
            CollectorCommand.class,
            DashboardCommand.class,
            RisksCommand.class,
            ArchiveCommand.class,
            ReconcileCommand.class,
            ExportCommand.class,
            NotifyCommand.class,
            CommandLine.HelpCommand.class
        })
public final class AgentMeterCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AgentMeterCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // An expected failure (server unreachable, bad file) is one line for a person, not a stack trace.
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + message(e)));
            return 1;
        });
        return cli;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        Throwable cause = e.getCause();
        while ((m == null || m.isBlank()) && cause != null) {
            m = cause.getMessage();
            cause = cause.getCause();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            // From a resource the build filters, not the jar manifest: an image's classes have none.
            Properties p = new Properties();
            try (InputStream in = AgentMeterCli.class.getResourceAsStream("/agentmeter/cli-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            String v = p.getProperty("version");
            return new String[] {"agentmeter " + (v == null || v.startsWith("${") ? "dev" : v)};
        }
    }
}
