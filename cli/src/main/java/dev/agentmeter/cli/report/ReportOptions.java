package dev.agentmeter.cli.report;

import dev.agentmeter.analytics.Window;
import dev.agentmeter.model.ServiceTiers;
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

    @Option(
            names = "--period",
            description = "today, yesterday, last-7-days, last-30-days, this-month (default last-7-days).")
    String period;

    @Option(names = "--today", description = "Same as --period today.")
    boolean today;

    @Option(names = "--yesterday", description = "Same as --period yesterday.")
    boolean yesterday;

    @Option(
            names = "--last",
            paramLabel = "Nd|Nw|Nm",
            description = "The last N days, weeks or months, up to today (e.g. 7d, 2w, 1m).")
    String last;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Inclusive; with --from instead of --period.")
    LocalDate to;

    @Option(names = "--zone", defaultValue = "UTC", description = "Calendar zone of days (default ${DEFAULT-VALUE}).")
    ZoneId zone;

    @Option(names = "--agent")
    String agent;

    @Option(names = "--user")
    String user;

    @Option(names = "--team")
    String team;

    @Option(names = "--task-type")
    String taskType;

    @Option(names = "--provider")
    String provider;

    @Option(names = "--company")
    String company;

    @Option(names = "--session")
    String session;

    @Option(
            names = "--service-tier",
            paramLabel = "TIER",
            description = "Only calls served at this tier (standard, batch, flex, priority).")
    String serviceTier;

    @Option(names = "--table", defaultValue = "agent_usage", hidden = true)
    String table;

    Window window(Instant now) {
        return window(now, "last-7-days");
    }

    /** The window chosen, or {@code defaultPeriod} when none was. */
    Window window(Instant now, String defaultPeriod) {
        int chosen = (period != null ? 1 : 0)
                + (today ? 1 : 0)
                + (yesterday ? 1 : 0)
                + (last != null ? 1 : 0)
                + (from != null || to != null ? 1 : 0);
        if (chosen > 1) {
            throw new ParameterException(
                    spec.commandLine(), "choose one of --period, --today, --yesterday, --last and --from/--to");
        }
        try {
            if (from != null || to != null) {
                if (from == null || to == null) {
                    throw new ParameterException(spec.commandLine(), "--from and --to go together");
                }
                return Window.between(from, to, zone);
            }
            if (last != null) {
                return Window.last(last, zone, now);
            }
            return Window.named(
                    today ? "today" : yesterday ? "yesterday" : period != null ? period : defaultPeriod, zone, now);
        } catch (IllegalArgumentException e) {
            // Window names the parameter ("period must be …", "to … is before from …"); here it is a flag.
            throw new ParameterException(
                    spec.commandLine(), "--" + e.getMessage().replace(" before from ", " before --from "));
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
        if (provider != null) f.put("provider", provider);
        if (company != null) f.put("company", company);
        if (session != null) f.put("session_id", session);
        if (serviceTier != null) f.put("service_tier", ServiceTiers.normalise(serviceTier));
        return f;
    }
}
