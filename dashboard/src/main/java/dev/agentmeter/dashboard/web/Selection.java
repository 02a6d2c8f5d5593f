package dev.agentmeter.dashboard.web;

import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.model.ServiceTiers;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which usage a page looks at, from its query string: the CLI's period choices (or a from/to
 * range of days), the calendar zone, the CLI's filters and the grouping. The same names as the
 * CLI's options, so that a URL reads like a command line: {@code /costs?period=last-30-days&agent=coder&group-by=model}.
 */
public record Selection(
        String period, LocalDate from, LocalDate to, ZoneId zone, Map<String, String> filters, GroupBy groupBy) {

    public static final List<String> PERIODS =
            List.of("today", "yesterday", "last-7-days", "last-30-days", "this-month");
    /** Filter parameter → agent_usage column. */
    public static final Map<String, String> FILTERS = orderedFilters();

    public static final List<GroupBy> GROUPINGS = List.of(
            GroupBy.MODEL,
            GroupBy.COMPANY,
            GroupBy.PROVIDER,
            GroupBy.AGENT,
            GroupBy.TEAM,
            GroupBy.USER,
            GroupBy.TASK_TYPE,
            GroupBy.SERVICE_TIER);

    private static Map<String, String> orderedFilters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("agent", "agent");
        m.put("user", "user_id");
        m.put("team", "team_id");
        m.put("model", "model");
        m.put("provider", "provider");
        m.put("company", "company");
        m.put("task-type", "task_type");
        m.put("service-tier", "service_tier");
        return Collections.unmodifiableMap(m);
    }

    /**
     * The selection a page's query parameters make, with the page's defaults for what they leave out.
     *
     * @throws IllegalArgumentException naming the parameter that is wrong
     */
    public static Selection of(Context ctx, String defaultPeriod, ZoneId defaultZone, GroupBy defaultGroup) {
        // A period chosen wins over days left in the form; no period: the days, else the page's default.
        String period = blankToNull(ctx.queryParam("period"));
        LocalDate from = period != null ? null : day(ctx, "from");
        LocalDate to = period != null ? null : day(ctx, "to");
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("from and to go together");
        }
        if (from != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (from == null && period == null) {
            period = defaultPeriod;
        }
        if (period != null && !PERIODS.contains(period)) {
            throw new IllegalArgumentException(
                    "period must be one of " + String.join(", ", PERIODS) + ", not " + period);
        }
        ZoneId zone = defaultZone;
        String z = blankToNull(ctx.queryParam("zone"));
        if (z != null) {
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("zone: not a time zone: " + z);
            }
        }
        Map<String, String> filters = new LinkedHashMap<>();
        FILTERS.forEach((param, column) -> {
            String v = blankToNull(ctx.queryParam(param));
            if (v != null) {
                filters.put(column, column.equals("service_tier") ? ServiceTiers.normalise(v) : v);
            }
        });
        String g = blankToNull(ctx.queryParam("group-by"));
        GroupBy group = g == null ? defaultGroup : GroupBy.parse(g);
        return new Selection(from != null ? null : period, from, to, zone, Map.copyOf(filters), group);
    }

    public Window window(Instant now) {
        return from != null ? Window.between(from, to, zone) : Window.named(period, zone, now);
    }

    /** The selection as a query string (without grouping when {@code withGroup} is false), for links. */
    public String query(boolean withGroup) {
        StringBuilder q = new StringBuilder();
        if (from != null) {
            add(q, "from", from.toString());
            add(q, "to", to.toString());
        } else {
            add(q, "period", period);
        }
        add(q, "zone", zone.getId());
        FILTERS.forEach((param, column) -> {
            if (filters.containsKey(column)) {
                add(q, param, filters.get(column));
            }
        });
        if (withGroup && groupBy != null) {
            add(q, "group-by", groupBy.cliName());
        }
        return q.toString();
    }

    /** The filter form: period or days, zone, filters and (when {@code groupings} is not empty) grouping. */
    public String form(String action, List<GroupBy> groupings, String extraFields) {
        return form(action, groupings, extraFields, true);
    }

    /** As above; without the column filters when {@code withFilters} is false (a page they do not apply to). */
    public String form(String action, List<GroupBy> groupings, String extraFields, boolean withFilters) {
        StringBuilder h = new StringBuilder("<form class=\"filters\" method=\"get\" action=\"")
                .append(Html.esc(action))
                .append("\" aria-label=\"Which usage\">\n");
        h.append("<label>Period <select name=\"period\">");
        h.append("<option value=\"\"").append(from != null ? " selected" : "").append(">from–to below</option>");
        for (String p : PERIODS) {
            h.append("<option")
                    .append(p.equals(period) ? " selected" : "")
                    .append('>')
                    .append(p)
                    .append("</option>");
        }
        h.append("</select></label>\n");
        h.append("<label>From <input type=\"date\" name=\"from\" value=\"")
                .append(from == null ? "" : from)
                .append("\"></label>\n");
        h.append("<label>To <input type=\"date\" name=\"to\" value=\"")
                .append(to == null ? "" : to)
                .append("\"></label>\n");
        h.append("<label>Zone <input name=\"zone\" size=\"14\" value=\"")
                .append(Html.esc(zone.getId()))
                .append("\"></label>\n");
        if (withFilters) {
            FILTERS.forEach((param, column) -> h.append("<label>")
                    .append(param.substring(0, 1).toUpperCase(Locale.ROOT))
                    .append(param.substring(1).replace('-', ' '))
                    .append(" <input name=\"")
                    .append(param)
                    .append("\" size=\"12\" value=\"")
                    .append(Html.esc(filters.getOrDefault(column, "")))
                    .append("\"></label>\n"));
        }
        if (!groupings.isEmpty()) {
            h.append("<label>Group by <select name=\"group-by\">");
            for (GroupBy g : groupings) {
                h.append("<option value=\"")
                        .append(g.cliName())
                        .append('"')
                        .append(g == groupBy ? " selected" : "")
                        .append('>')
                        .append(g.cliName())
                        .append("</option>");
            }
            h.append("</select></label>\n");
        }
        h.append(extraFields == null ? "" : extraFields);
        h.append("<button type=\"submit\">Show</button>\n</form>\n");
        return h.toString();
    }

    /** "last 7 days · agent=coder" */
    public String describe(Window w) {
        StringBuilder d = new StringBuilder(w.label());
        filters.forEach((k, v) ->
                d.append(" · ").append(k.replace("_id", "")).append('=').append(v));
        return d.toString();
    }

    private static void add(StringBuilder q, String k, String v) {
        if (v == null) {
            return;
        }
        if (!q.isEmpty()) {
            q.append('&');
        }
        q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    }

    private static LocalDate day(Context ctx, String param) {
        String v = blankToNull(ctx.queryParam(param));
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(param + " must be a day, YYYY-MM-DD, not " + v);
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
