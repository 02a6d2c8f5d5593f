package dev.agentmeter.dashboard.pages;

import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.dashboard.web.Selection;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions and workflows: the window's sessions by cost; one session's events in order with their
 * handoff chains, the cost per agent (share of the session) and per workflow (chain).
 */
public final class SessionsPage {

    static final int MAX_SESSIONS = 200;

    private final PageContext pc;

    public SessionsPage(PageContext pc) {
        this.pc = pc;
    }

    public Page list(Context ctx) throws SQLException {
        Instant now = Instant.now();
        Selection sel = Selection.of(ctx, "today", pc.zone(), null);
        Window w = sel.window(now);
        Page page = new Page("Sessions", "/sessions", sel.zone(), sel.query(false));
        page.html(sel.form("/sessions", List.of(), null));
        try (Connection c = pc.db().connection()) {
            List<ReportQueries.Session> sessions =
                    new ReportQueries(c, pc.usageTable(), sel.filters()).sessions(w, MAX_SESSIONS);
            DataTable t = new DataTable("sessions", "Sessions of " + sel.describe(w) + ", costliest first")
                    .text("sessionId", "Session")
                    .text("userId", "User")
                    .text("teamId", "Team")
                    .text("agents", "Agents")
                    .count("events", "Events")
                    .usd("costUsd", "Cost")
                    .instant("startedAt", "First event")
                    .instant("lastAt", "Last event")
                    .whenEmpty("No sessions in this window.");
            sessions.forEach(s -> t.row(
                    new DataTable.Link(s.sessionId(), "/sessions/" + path(s.sessionId())),
                    s.userId(),
                    s.teamId(),
                    s.agents(),
                    s.events(),
                    s.costUsd(),
                    s.startedAt(),
                    s.lastAt()));
            page.table(t);
            if (sessions.size() == MAX_SESSIONS) {
                page.html("<p class=\"hint\">The " + MAX_SESSIONS
                        + " costliest sessions; narrow with a filter for others.</p>\n");
            }
        }
        return page;
    }

    public Page detail(Context ctx, String sessionId) throws SQLException {
        Page page = new Page("Session " + sessionId, "/sessions", pc.zone(), "");
        try (Connection c = pc.db().connection()) {
            List<ReportQueries.SessionEvent> events =
                    new ReportQueries(c, pc.usageTable(), Map.of()).sessionEvents(sessionId);
            if (events.isEmpty()) {
                ctx.status(404);
                return page.html("<p class=\"empty\">No events for session " + Html.esc(sessionId)
                        + " (yet: the sink writes a few seconds behind).</p>\n");
            }
            BigDecimal total =
                    events.stream().map(ReportQueries.SessionEvent::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
            long errors =
                    events.stream().filter(e -> "error".equals(e.status())).count();
            page.html("<dl class=\"cards\">\n")
                    .html(Views.card("Session cost", total, null, null))
                    .html(Views.countCard("Events", events.size(), Views.errors(errors)))
                    .html("<div class=\"card\"><dt>From</dt><dd class=\"small\">"
                            + Html.time(events.get(0).at(), pc.zone()) + "</dd><dd class=\"note\">to "
                            + Html.time(events.get(events.size() - 1).at(), pc.zone()) + "</dd></div>\n")
                    .html("</dl>\n");

            Map<String, long[]> countByAgent = new LinkedHashMap<>();
            Map<String, BigDecimal> costByAgent = new LinkedHashMap<>();
            Map<String, BigDecimal> costByChain = new LinkedHashMap<>();
            Map<String, long[]> countByChain = new LinkedHashMap<>();
            for (ReportQueries.SessionEvent e : events) {
                countByAgent.computeIfAbsent(e.agent(), k -> new long[1])[0]++;
                costByAgent.merge(e.agent(), e.costUsd(), BigDecimal::add);
                String chain = chain(e);
                countByChain.computeIfAbsent(chain, k -> new long[1])[0]++;
                costByChain.merge(chain, e.costUsd(), BigDecimal::add);
            }
            DataTable agents = new DataTable("agents", "Cost per agent")
                    .text("agent", "Agent")
                    .count("events", "Events")
                    .usd("costUsd", "Cost")
                    .percent("sharePercent", "Share of session");
            costByAgent.entrySet().stream()
                    .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                    .forEach(e -> agents.row(
                            e.getKey(),
                            countByAgent.get(e.getKey())[0],
                            e.getValue(),
                            ReportQueries.share(e.getValue(), total)));
            DataTable chains = new DataTable("workflows", "Cost per workflow step (handoff chain → agent)")
                    .text("chain", "Chain")
                    .count("events", "Events")
                    .usd("costUsd", "Cost")
                    .percent("sharePercent", "Share of session");
            costByChain.forEach((k, v) -> chains.row(k, countByChain.get(k)[0], v, ReportQueries.share(v, total)));
            page.html("<div class=\"columns\">\n").table(agents).table(chains).html("</div>\n");

            DataTable t = new DataTable("events", "Events in order")
                    .instant("at", "Time")
                    .text("agent", "Agent")
                    .text("handoffChain", "Handoff chain")
                    .text("model", "Model")
                    .count("inputTokens", "Input tokens")
                    .count("outputTokens", "Output tokens")
                    .usd("costUsd", "Cost")
                    .text("status", "Status")
                    .text("eventId", "Event id");
            events.forEach(e -> t.row(
                    e.at(),
                    e.agent(),
                    chain(e),
                    e.model(),
                    e.inputTokens(),
                    e.outputTokens(),
                    e.costUsd(),
                    e.status(),
                    e.eventId()));
            page.table(t);
        }
        return page;
    }

    /** "Triage → TechnicalSupport": the agents that handed over, then the one that made the call. */
    static String chain(ReportQueries.SessionEvent e) {
        if (e.handoffChain().isEmpty()) {
            return e.agent();
        }
        if (e.handoffChain().get(e.handoffChain().size() - 1).equals(e.agent())) {
            return String.join(" → ", e.handoffChain()); // a sender that put the current agent last
        }
        return String.join(" → ", e.handoffChain()) + " → " + e.agent();
    }

    static String path(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
