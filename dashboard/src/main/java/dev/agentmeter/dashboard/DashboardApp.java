package dev.agentmeter.dashboard;

import dev.agentmeter.dashboard.live.KafkaFollower;
import dev.agentmeter.dashboard.live.LiveHub;
import dev.agentmeter.dashboard.pages.BudgetsPage;
import dev.agentmeter.dashboard.pages.CostsPage;
import dev.agentmeter.dashboard.pages.OverviewPage;
import dev.agentmeter.dashboard.pages.PageContext;
import dev.agentmeter.dashboard.pages.SessionsPage;
import dev.agentmeter.dashboard.pages.WhatIfPage;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.http.HttpServers;
import dev.agentmeter.http.ProcessorClient;
import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.pricing.PriceCatalog;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard server: server-rendered pages over the sink's tables (read-only), live figures
 * from the processor's query API and alerts from the alert topic, pushed to open pages as
 * server-sent events.
 *
 * <pre>
 * GET /                 overview          GET /budgets     budgets and alerts
 * GET /costs            costs by group    GET /what-if     price change or model replacement
 * GET /sessions[/{id}]  sessions          GET /live        server-sent events: spend, alert
 * any page ?table=NAME&amp;format=csv|json   one of its tables, exact
 * GET|POST /login, POST /logout           GET /health, /metrics
 * </pre>
 */
public final class DashboardApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DashboardApp.class);

    /** A page's content from a request; may throw IllegalArgumentException (400) or SQLException (503). */
    @FunctionalInterface
    interface Renderer {
        Page render(Context ctx) throws SQLException;
    }

    private final DashboardConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DashboardAuth auth;
    private final LoginThrottle throttle;
    private final Db db;
    private final KafkaFollower follower;
    private final LiveHub live;
    private final PageContext pages;
    private final ExecutorService queries;
    private final PriceCatalog catalog = new PriceCatalog(BundledCatalog.load());
    private final ReconcileMetrics reconcileMetrics;
    private Javalin server;

    public DashboardApp(DashboardConfig config) {
        this.config = config;
        this.auth = new DashboardAuth(config.httpAccess(), new Sessions(Clock.systemUTC(), config.sessionMaxAge()));
        this.throttle = new LoginThrottle(Clock.systemUTC(), config.loginMaxFailures());
        this.db = new Db(config);
        this.reconcileMetrics = new ReconcileMetrics(db, registry, Clock.systemUTC());
        ProcessorClient processor = config.processorUrl() == null
                ? null
                : new ProcessorClient(config.processorUrl(), config.processorToken(), "set processor.auth.token");
        LiveHub[] hub = new LiveHub[1];
        this.follower = config.bootstrapServers() == null
                ? null
                : new KafkaFollower(
                        config.bootstrapServers(),
                        config.kafkaOverrides(),
                        config.budgetsTopic(),
                        config.alertsTopic(),
                        alert -> {
                            registry.counter("agentmeter_dashboard_alerts_received_total")
                                    .increment();
                            if (hub[0] != null) {
                                hub[0].alert(alert);
                            }
                        });
        this.live = new LiveHub(
                db, config.usageTable(), processor, follower, config.zone(), config.liveInterval(), registry);
        hub[0] = live;
        this.queries = Executors.newFixedThreadPool(Math.max(1, config.poolSize() / 2), r -> {
            Thread t = new Thread(r, "agentmeter-dashboard-query");
            t.setDaemon(true);
            return t;
        });
        this.pages =
                new PageContext(db, config.usageTable(), config.alertsTable(), config.zone(), live, follower, queries);
    }

    public DashboardApp start() {
        if (follower != null) {
            follower.start();
        }
        live.start();
        OverviewPage overview = new OverviewPage(pages);
        CostsPage costs = new CostsPage(pages);
        SessionsPage sessions = new SessionsPage(pages);
        BudgetsPage budgets = new BudgetsPage(pages);
        WhatIfPage whatIf = new WhatIfPage(pages, catalog);
        server = HttpServers.create("dashboard", auth, c -> {
                    c.http.defaultContentType = "text/html; charset=utf-8";
                    c.routes.before(DashboardApp::securityHeaders);
                    c.staticFiles.add(sf -> {
                        sf.hostedPath = "/assets";
                        sf.directory = "/dashboard-assets";
                        sf.location = Location.CLASSPATH;
                        sf.headers = Map.of("Cache-Control", "max-age=300");
                    });
                    c.staticFiles.enableWebjars();
                    c.routes.get("/", page("overview", ctx -> overview.render()));
                    c.routes.get("/costs", page("costs", costs::render));
                    c.routes.get("/sessions", page("sessions", sessions::list));
                    c.routes.get("/sessions/{id}", page("session", ctx -> sessions.detail(ctx, ctx.pathParam("id"))));
                    c.routes.get("/budgets", page("budgets", budgets::render));
                    c.routes.get("/what-if", page("what-if", whatIf::render));
                    c.routes.get("/live", live::join);
                    c.routes.get("/login", this::loginForm);
                    c.routes.post("/login", this::login);
                    c.routes.post("/logout", ctx -> {
                        auth.logout(ctx.cookie(DashboardAuth.COOKIE));
                        ctx.header("Set-Cookie", DashboardAuth.clearCookie()).redirect("/login", HttpStatus.SEE_OTHER);
                    });
                    c.routes.get("/health", this::health);
                    HttpServers.metrics(c, () -> {
                        reconcileMetrics.refresh();
                        return registry.scrape();
                    });
                })
                .start(config.httpPort());
        log.info(
                "Dashboard on http://{}:{}/ ({})",
                config.httpAccess().bindAddress(),
                server.port(),
                config.httpAccess());
        return this;
    }

    public int port() {
        return server.port();
    }

    /** Times the page, and turns a bad parameter into 400 and an unreachable database into 503, as pages. */
    private Handler page(String name, Renderer renderer) {
        Timer timer = Timer.builder("agentmeter_dashboard_page_seconds")
                .tag("page", name)
                .description("Time to build a page (or one of its downloads)")
                .publishPercentileHistogram()
                .register(registry);
        return ctx -> {
            Timer.Sample sample = Timer.start(registry);
            try {
                renderer.render(ctx).respond(ctx, auth.tokenRequired());
            } catch (IllegalArgumentException e) {
                problem(ctx, 400, "Cannot show this", e.getMessage());
            } catch (SQLException e) {
                log.warn("dashboard: {} page: database: {}", name, e.getMessage());
                problem(ctx, 503, "The database does not answer", e.getMessage());
            } finally {
                sample.stop(timer);
            }
        };
    }

    private void problem(Context ctx, int status, String title, String message) {
        if (ctx.queryParam("format") != null) {
            ctx.status(status).json(Map.of("error", String.valueOf(message)));
            return;
        }
        ctx.status(status)
                .contentType("text/html; charset=utf-8")
                .result(Page.layout(
                        title,
                        "",
                        "<p class=\"notice\" role=\"alert\">" + Html.esc(message)
                                + "</p>\n<p><a href=\"javascript:history.back()\">Back</a></p>\n",
                        false,
                        auth.tokenRequired()));
    }

    private void loginForm(Context ctx) {
        if (!auth.tokenRequired()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        ctx.contentType("text/html; charset=utf-8").result(DashboardAuth.loginPage(ctx.queryParam("next"), null));
    }

    private void login(Context ctx) {
        String next = DashboardAuth.safeNext(ctx.formParam("next"));
        if (!auth.tokenRequired()) {
            ctx.redirect(next, HttpStatus.SEE_OTHER);
            return;
        }
        String client = ctx.ip();
        Duration wait = throttle.wait(client);
        if (!wait.isZero()) {
            registry.counter("agentmeter_dashboard_logins_total", "result", "throttled")
                    .increment();
            long seconds = Math.max(1, wait.toSeconds());
            ctx.status(429)
                    .header("Retry-After", String.valueOf(seconds))
                    .contentType("text/html; charset=utf-8")
                    .result(DashboardAuth.loginPage(
                            next,
                            "Too many wrong tokens from this address: try again in " + (seconds + 59) / 60 + " min."));
            return;
        }
        String token = ctx.formParam("token");
        if (token == null || !auth.matches(token.trim())) {
            throttle.failed(client);
            registry.counter("agentmeter_dashboard_logins_total", "result", "refused")
                    .increment();
            ctx.status(401)
                    .contentType("text/html; charset=utf-8")
                    .result(DashboardAuth.loginPage(next, "Wrong token."));
            return;
        }
        throttle.succeeded(client);
        registry.counter("agentmeter_dashboard_logins_total", "result", "ok").increment();
        boolean secure =
                "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        ctx.header("Set-Cookie", auth.sessionCookie(ctx.cookie(DashboardAuth.COOKIE), secure))
                .redirect(next, HttpStatus.SEE_OTHER);
    }

    private void health(Context ctx) {
        try (Connection c = db.connection()) {
            ctx.json(Map.of("status", "UP", "database", c.isValid(2) ? "UP" : "DOWN"));
        } catch (SQLException e) {
            ctx.status(503).json(Map.of("status", "DOWN", "database", e.getMessage()));
        }
    }

    @Override
    public void close() {
        live.close(); // first: open event streams hold server threads until it ends them
        if (server != null) {
            server.stop();
        }
        if (follower != null) {
            follower.close();
        }
        queries.shutdownNow();
        db.close();
        registry.close();
    }

    /**
     * What a browser needs to keep the books' pages to themselves: no framing (clickjacking), no
     * script or connection but the dashboard's own, no content-type guessing, no referrer, and no
     * copy of a page with spend on it in a shared cache or the back-button history of a logged-out
     * browser (assets excepted: they hold no data).
     */
    static void securityHeaders(Context ctx) {
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                        + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
                        + " object-src 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (!ctx.path().startsWith("/assets/") && !ctx.path().startsWith("/webjars/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }
}
