package dev.agentmeter.cli;

import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands (prices, budgets): called alone, it is a usage error naming them. */
public abstract class SubcommandGroup implements Runnable {

    @Spec
    protected CommandSpec spec;

    @Override
    public void run() {
        String names = spec.subcommands().keySet().stream()
                .filter(n -> !n.equals("help"))
                .collect(Collectors.joining(", "));
        int last = names.lastIndexOf(", ");
        throw new ParameterException(
                spec.commandLine(),
                "name a subcommand: "
                        + (last < 0 ? names : names.substring(0, last) + " or " + names.substring(last + 2)));
    }
}
