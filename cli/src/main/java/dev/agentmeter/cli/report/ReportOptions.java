package dev.agentmeter.cli.report;

import dev.agentmeter.analytics.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Which usage a report looks at: time window, calendar zone and filters (shared by report and what-if). */
public final class ReportOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--period", defaultValue = "last-7-days",
            description = "today, yesterday, last-7-days, last-30-days, this-month (default ${DEFAULT-VALUE}).")
    String period;
    @Option(names = "--from", paramLabel = "YYYY-MM-DD") LocalDate from;
    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Inclusive; with --from instead of --period.") LocalDate to;
    @Option(names = "--zone", defaultValue = "UTC", description = "Calendar zone of days (default ${DEFAULT-VALUE}).")
    ZoneId zone;
    @Option(names = "--agent") String agent;
    @Option(names = "--user") String user;
    @Option(names = "--team") String team;
    @Option(names = "--task-type") String taskType;
    @Option(names = "--table", defaultValue = "agent_usage", hidden = true) String table;

    Window window(Instant now) {
        try {
            if (from != null || to != null) {
                if (from == null || to == null) {
                    throw new ParameterException(spec.commandLine(), "--from and --to go together");
                }
                return Window.between(from, to, zone);
            }
            return Window.named(period, zone, now);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Column → value filters; {@code model} (matched against model and model_key) is added by the command. */
    Map<String, String> filters(String model) {
        Map<String, String> f = new LinkedHashMap<>();
        if (agent != null) f.put("agent", agent);
        if (user != null) f.put("user_id", user);
        if (team != null) f.put("team_id", team);
        if (model != null) f.put("model", model);
        if (taskType != null) f.put("task_type", taskType);
        return f;
    }
}
