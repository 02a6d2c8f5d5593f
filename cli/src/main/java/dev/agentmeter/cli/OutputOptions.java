package dev.agentmeter.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --output table|json|csv} and its script-style aliases {@code --json} and {@code --csv},
 * for every command that prints a report: tables round for people, json and csv are exact.
 */
public final class OutputOptions {

    public enum Output {
        table,
        json,
        csv
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "table|json|csv", description = "table, json or csv (default table).")
    Output output;

    @Option(names = "--json", description = "Same as --output json.")
    boolean json;

    @Option(names = "--csv", description = "Same as --output csv.")
    boolean csv;

    /** The format chosen (table when none was). */
    public Output format() {
        if ((output != null ? 1 : 0) + (json ? 1 : 0) + (csv ? 1 : 0) > 1) {
            throw new ParameterException(spec.commandLine(), "choose one of --output, --json and --csv");
        }
        return json ? Output.json : csv ? Output.csv : output != null ? output : Output.table;
    }
}
