package dev.agentmeter.dashboard.live;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.ReportQueries;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.Db;
import dev.agentmeter.http.ProcessorClient;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.CalendarWindow;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.SpendView;
import dev.agentmeter.model.Usd;
import dev.agentmeter.model.json.ContractJson;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps open pages live, pushed as server-sent events on {@code /live}:
 * <ul>
 *   <li>{@code alert}: each alert from the alert topic, as soon as the follower reads it;</li>
 *   <li>{@code spend}: every {@code live.interval}, today's and this month's spend, the month-end
 *       projection and every budget's use, from the processor's query API (from Postgres when no
 *       processor is configured or it does not answer). Nothing is asked while no page is open.</li>
 * </ul>
 */
public final class LiveHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);
    /** Budget limits asked about per round; more are listed on the budgets page from Postgres only. */
    public static final int MAX_BUDGET_LIMITS = 500;

    static final int MAX_CLIENTS = 100;
    static final int QUEUE = 256;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final String BYE = "";
    /** A round waits at most this long for each processor answer (its figures fall back to Postgres after). */
    private static final Duration PROCESSOR_TIMEOUT = Duration.ofSeconds(3);

    /** The figures of one round. {@code source}: "processor" or "postgres"; {@code problem}: why not the processor. */
    public record Snapshot(
            Instant at,
            BigDecimal todayUsd,
            BigDecimal monthUsd,
            BigDecimal projectionUsd,
            List<BudgetUse> budgets,
            String source,
            String problem) {}

    private final Db db;
    private final String table;
    private final ProcessorClient processor;
    private final KafkaFollower follower;
    private final ZoneId zone;
    private final Duration interval;
    /** Open pages, each with the events waiting to be written to it. */
    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentmeter-dashboard-live");
        t.setDaemon(true);
        return t;
    });
    private volatile ScheduledFuture<?> ticks;
    private volatile Snapshot last;

    /** @param processor null: Postgres only; {@code follower}: null when no Kafka is configured */
    public LiveHub(
            Db db,
            String table,
            ProcessorClient processor,
            KafkaFollower follower,
            ZoneId zone,
            Duration interval,
            MeterRegistry registry) {
        this.db = db;
        this.table = table;
        this.processor = processor;
        this.follower = follower;
        this.zone = zone;
        this.interval = interval;
        registry.gaugeCollectionSize("agentmeter_dashboard_live_clients", Tags.empty(), clients);
    }

    public LiveHub start() {
        ticks = timer.scheduleWithFixedDelay(
                this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * A page's event stream, on the request's own thread until the page goes away: the latest
     * figures at once, then every round and every alert, and a comment every {@link #KEEP_ALIVE}
     * so that a page that went away is noticed (its write fails) and proxies keep the line open.
     * At most {@link #MAX_CLIENTS} at a time (each holds a server thread); more get 503 and the
     * browser's EventSource tries again.
     */
    public void join(Context ctx) throws IOException {
        if (clients.size() >= MAX_CLIENTS || closed) {
            ctx.status(503).result("too many live pages open");
            return;
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE);
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no"); // nginx in front: do not buffer the stream
        OutputStream out = ctx.res().getOutputStream();
        clients.add(queue);
        try {
            Snapshot s = last;
            write(out, event("spend", json(s != null ? s : snapshot()).toString()));
            while (!closed) {
                String next = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    write(out, ": keep-alive\n\n");
                } else if (!next.equals(BYE)) {
                    write(out, next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException gone) {
            // the page went away: its write failed
        } finally {
            clients.remove(queue);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n"; // data is one line of JSON
    }

    /** Hands a new alert to every open page. */
    public void alert(BudgetAlert alert) {
        broadcast(event("alert", alertJson(alert, zone).toString()));
    }

    private void tick() {
        if (clients.isEmpty()) {
            return;
        }
        try {
            broadcast(event("spend", json(snapshot()).toString()));
        } catch (RuntimeException e) {
            log.warn("dashboard: live round failed", e);
        }
    }

    /** Never blocks: a page whose queue is full (it reads too slowly) misses this event, the next round catches it up. */
    private void broadcast(String event) {
        for (BlockingQueue<String> q : clients) {
            q.offer(event);
        }
    }

    /** The figures now: processor first, Postgres when it cannot answer. */
    public Snapshot snapshot() {
        Instant now = Instant.now();
        String problem = null;
        if (processor != null) {
            try {
                Snapshot s = fromProcessor(now);
                last = s;
                return s;
            } catch (IOException e) {
                problem = e.getMessage();
            }
        } else {
            problem = "no processor configured (processor.url): figures as far as the sink has written";
        }
        try {
            Snapshot s = fromPostgres(now, problem);
            last = s;
            return s;
        } catch (SQLException e) {
            return new Snapshot(now, null, null, null, List.of(), "none", problem + "; Postgres: " + e.getMessage());
        }
    }

    private Snapshot fromProcessor(Instant now) throws IOException {
        BigDecimal today =
                processor.spend(Scope.GLOBAL, Period.DAY, PROCESSOR_TIMEOUT).spendUsd();
        BigDecimal month =
                processor.spend(Scope.GLOBAL, Period.MONTH, PROCESSOR_TIMEOUT).spendUsd();
        List<BudgetUse> uses = new ArrayList<>();
        for (Limit l : limits()) {
            SpendView v = processor.spend(l.scope(), l.period(), PROCESSOR_TIMEOUT);
            BigDecimal limit = v.limitUsd() != null ? v.limitUsd() : l.limitUsd();
            uses.add(new BudgetUse(
                    l.scope().toString(), l.period(), v.spendUsd(), limit, l.thresholds(), v.windowEnd()));
        }
        return new Snapshot(
                now, today, month, ReportQueries.projectMonth(month, now, zone), sorted(uses), "processor", null);
    }

    private Snapshot fromPostgres(Instant now, String problem) throws SQLException {
        try (Connection c = db.connection()) {
            ReportQueries q = new ReportQueries(c, table, Map.of());
            Window day = Window.named("today", zone, now);
            Window month = Window.named("this-month", zone, now);
            BigDecimal today = q.scopeSpend(day, null, null);
            BigDecimal monthSpend = q.scopeSpend(month, null, null);
            List<BudgetUse> uses = new ArrayList<>();
            for (Limit l : limits()) {
                Window w = window(l.period(), now);
                if (w == null) {
                    continue; // SESSION windows live in the processor only
                }
                BigDecimal spend =
                        q.scopeSpend(w, column(l.scope().type()), l.scope().id());
                uses.add(new BudgetUse(l.scope().toString(), l.period(), spend, l.limitUsd(), l.thresholds(), w.to()));
            }
            return new Snapshot(
                    now,
                    today,
                    monthSpend,
                    ReportQueries.projectMonth(monthSpend, now, zone),
                    sorted(uses),
                    "postgres",
                    problem);
        }
    }

    private record Limit(Scope scope, Period period, BigDecimal limitUsd, List<BigDecimal> thresholds) {}

    private List<Limit> limits() {
        List<Limit> out = new ArrayList<>();
        if (follower == null) {
            return out;
        }
        for (Budget b : follower.budgets().values()) {
            for (Map.Entry<Period, BigDecimal> e : b.limits().entrySet()) {
                if (e.getKey() == Period.SESSION && b.scope().type() != ScopeType.SESSION) {
                    continue;
                }
                if (out.size() >= MAX_BUDGET_LIMITS) {
                    return out;
                }
                out.add(new Limit(b.scope(), e.getKey(), e.getValue(), b.thresholds()));
            }
        }
        return out;
    }

    private static List<BudgetUse> sorted(List<BudgetUse> uses) {
        uses.sort(Comparator.comparing(BudgetUse::usedRatio).reversed().thenComparing(BudgetUse::id));
        return List.copyOf(uses);
    }

    private Window window(Period period, Instant now) {
        if (period == Period.SESSION) {
            return null;
        }
        CalendarWindow w = CalendarWindow.of(period, now, zone);
        String label = switch (period) {
            case HOUR -> "this hour";
            case DAY -> "today";
            default -> "this month";
        };
        return new Window(w.start(), w.end(), zone, label);
    }

    /** The agent_usage column of a scope type (null for global: everything). */
    public static String column(ScopeType type) {
        return switch (type) {
            case GLOBAL -> null;
            case TEAM -> "team_id";
            case AGENT -> "agent";
            case USER -> "user_id";
            case SESSION -> "session_id";
        };
    }

    /** The {@code spend} event: exact decimals and the human figure beside each. */
    static ObjectNode json(Snapshot s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("at", s.at().toString());
        o.put("source", s.source());
        o.put("problem", s.problem());
        money(o, "today", s.todayUsd());
        money(o, "month", s.monthUsd());
        money(o, "projection", s.projectionUsd());
        ArrayNode budgets = o.putArray("budgets");
        for (BudgetUse u : s.budgets()) {
            ObjectNode b = budgets.addObject();
            b.put("id", u.id());
            b.put("spendUsd", Usd.exact(u.spendUsd()));
            b.put("limitUsd", Usd.exact(u.limitUsd()));
            b.put("usedRatio", u.usedRatio().toPlainString());
            b.put("usedPercent", u.usedPercent().toPlainString());
            b.put("level", u.level());
            b.put("text", Usd.human(u.spendUsd()) + " of " + Usd.human(u.limitUsd()));
        }
        return o;
    }

    private static void money(ObjectNode o, String name, BigDecimal v) {
        ObjectNode m = o.putObject(name);
        m.put("usd", v == null ? null : Usd.exact(v));
        m.put("text", v == null ? "–" : Usd.human(v));
    }

    /** An {@code alert} event: the alert's own fields, plus what the feed shows. */
    public static ObjectNode alertJson(BudgetAlert alert, ZoneId zone) {
        ObjectNode o = ContractJson.mapper().valueToTree(alert);
        o.put("text", AlertText.line(alert, zone));
        return o;
    }

    /** Ends every open stream (their threads return) and the rounds. */
    @Override
    public void close() {
        closed = true;
        if (ticks != null) {
            ticks.cancel(true);
        }
        timer.shutdownNow();
        clients.forEach(q -> q.offer(BYE));
    }
}
