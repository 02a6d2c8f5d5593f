package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.dashboard.DashboardApp;
import dev.agentmeter.dashboard.DashboardConfig;
import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium, against the whole local pipeline (broker, processor,
 * collector, Connect sink, PostgreSQL) holding three known events of today:
 *
 * <pre>
 * e1 coder / alice / platform / s-1, gpt-4o, 100,000 in (40,000 cache reads), 50,000 out, 2 s
 *    = 60,000 × $2.50 + 40,000 × $1.25 + 50,000 × $10 per M              = $0.70      (cache saved $0.05)
 * e2 TechnicalSupport (handed over by Triage) / bob / support / s-2, claude-sonnet-4-5, 150,000 in, 100,000 out
 *    = 150,000 × $3 + 100,000 × $15 per M                                = $1.95
 * e3 Triage / bob / support / s-2, gpt-4o, 10,000 in, 3,333 out, an error, 1 s
 *    = 10,000 × $2.50 + 3,333 × $10 per M                                = $0.05833
 * today: $2.70833 in 3 interactions; bob's $2.00 DAY budget is exceeded ($2.00833).
 * </pre>
 * Screenshots of every page land in {@code target/dashboard-screenshots}.
 */
class DashboardIT {

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("dashboard_it");

    static String dashboard;
    static final HttpClient http = HttpClient.newHttpClient();
    static final Path SHOTS = Path.of("target", "dashboard-screenshots");

    ChromeDriver browser;

    @BeforeAll
    static void up() throws Exception {
        dashboard = pipeline.dashboardUrl().replaceAll("/$", "");
        budget("user:bob", "2.00");

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String body = "["
                + String.join(
                        ",",
                        event(
                                "e1",
                                now.minusSeconds(3),
                                "coder",
                                "alice",
                                "platform",
                                "s-1",
                                null,
                                "gpt-4o",
                                100_000,
                                40_000,
                                50_000,
                                "success",
                                2000),
                        event(
                                "e3",
                                now.minusSeconds(2),
                                "Triage",
                                "bob",
                                "support",
                                "s-2",
                                null,
                                "gpt-4o",
                                10_000,
                                0,
                                3_333,
                                "error",
                                1000),
                        event(
                                "e2",
                                now.minusSeconds(1),
                                "TechnicalSupport",
                                "bob",
                                "support",
                                "s-2",
                                "Triage",
                                "claude-sonnet-4-5",
                                150_000,
                                0,
                                100_000,
                                "success",
                                3000))
                + "]";
        HttpResponse<String> posted = http.send(
                HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        await(
                "3 rows in Postgres and 3 alerts",
                () -> "3 3"
                        .equals(pipeline.sql("SELECT (SELECT count(*) FROM agent_usage) || ' ' ||"
                                + " (SELECT count(*) FROM budget_alerts)")));
        await(
                "today's spend in the processor",
                () -> get(pipeline.processorUrl() + "/v1/spend/global/*?period=DAY", null)
                        .body()
                        .contains("\"spendUsd\":\"2.70833\""));
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void overviewShowsTodayTheMonthAndTheTopSpendersInCents() throws Exception {
        open(1280, "/", "overview");

        assertThat(text("[data-live='today']")).isEqualTo("$2.71");
        assertThat(browser.findElement(By.cssSelector("[data-live='today']")).getAttribute("title"))
                .isEqualTo("2.70833");
        assertThat(text("[data-live='month']")).isEqualTo("$2.71");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        BigDecimal projection = new BigDecimal("2.70833")
                .multiply(BigDecimal.valueOf(today.lengthOfMonth()))
                .divide(BigDecimal.valueOf(today.getDayOfMonth()), 2, RoundingMode.HALF_EVEN);
        assertThat(text("[data-live='projection']")).isEqualTo("$" + projection.toPlainString());
        assertThat(rows("#t-top-agent"))
                .containsExactly("TechnicalSupport 1 $1.95 72.0 %", "coder 1 $0.70 25.8 %", "Triage 1 $0.06 2.2 %");
        assertThat(rows("#t-top-team")).containsExactly("support 2 $2.01 74.2 %", "platform 1 $0.70 25.8 %");
        assertThat(text("[data-budget='user:bob|DAY'] [data-field='level']")).isEqualTo("EXCEEDED");
    }

    @Test
    void costsByModelShowTokensCacheSavingsAndErrorRate() throws Exception {
        open(1280, "/costs?period=today&group-by=model", "costs");

        assertThat(rows("#t-by-model"))
                .containsExactly(
                        "claude-sonnet-4-5 1 $1.95 72.0 % 150,000 100,000 0 0 0 $0.00 0.0 %",
                        "gpt-4o 2 $0.76 28.0 % 110,000 53,333 40,000 0 0 $0.05 50.0 %");
        assertThat(browser.findElements(By.cssSelector("#chart-daily canvas")))
                .as("the daily chart is drawn")
                .isNotEmpty();
    }

    @Test
    void aTableDownloadsAsJsonAndCsvWithExactDecimals() throws Exception {
        open(1280, "/costs?period=today&group-by=model", "costs");
        String csvLink = browser.findElement(By.cssSelector("#t-by-model .downloads a[href*='format=csv']"))
                .getAttribute("href");

        String csv = get(csvLink, null).body();
        assertThat(csv.lines().toList())
                .containsExactly(
                        "key,events,cost_usd,share_percent,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
                                + "reasoning_tokens,cache_savings_usd,error_rate_percent",
                        "claude-sonnet-4-5,1,1.95,72.0,150000,100000,0,0,0,0,0.0",
                        "gpt-4o,2,0.75833,28.0,110000,53333,40000,0,0,0.05,50.0");
        String json = get(csvLink.replace("format=csv", "format=json"), null).body();
        assertThat(ContractJson.mapper().readTree(json).at("/rows/1/costUsd").asText())
                .isEqualTo("0.75833");
    }

    @Test
    void aSessionShowsItsEventsInOrderWithTheHandoffChainAndTheCostPerAgent() throws Exception {
        open(1280, "/sessions/s-2", "session");

        assertThat(rows("#t-agents")).containsExactly("TechnicalSupport 1 $1.95 97.1 %", "Triage 1 $0.06 2.9 %");
        assertThat(rows("#t-events"))
                .extracting(r -> r.replaceFirst("^\\S+ \\S+ ", ""))
                .containsExactly(
                        "Triage Triage gpt-4o 10,000 3,333 $0.06 error e3",
                        "TechnicalSupport Triage → TechnicalSupport claude-sonnet-4-5 150,000 100,000 $1.95 success e2");
    }

    @Test
    void budgetsShowLiveUseAndTheAlertHistory() throws Exception {
        open(1280, "/budgets", "budgets");

        assertThat(text("[data-budget='user:bob|DAY'] [data-field='usedPercent']"))
                .isEqualTo("100.4 %");
        assertThat(text("[data-budget='user:bob|DAY'] [data-field='text']")).isEqualTo("$2.01 of $2.00");
        // Level, scope, period and threshold (the spend at raising depends on which event the processor took first).
        assertThat(rows("#t-alerts"))
                .extracting(r -> r.split(" "))
                .filteredOn(cells -> cells[3].equals("user:bob"))
                .extracting(cells -> String.join(" ", List.of(cells).subList(2, 7)))
                .containsExactlyInAnyOrder(
                        "EXCEEDED user:bob DAY 100 %", "WARNING user:bob DAY 80 %", "WARNING user:bob DAY 50 %");
    }

    @Test
    void anAlertRaisedWhileThePageIsOpenAppearsInTheFeed() throws Exception {
        open(1280, "/", null);
        awaitBrowser("the live stream connected", () -> text("#live-status").startsWith("live"));

        budget("team:platform", "1.00"); // alice's $0.70 is 70 % of it: the 50 % threshold is crossed at once
        awaitBrowser(
                "the alert in the feed",
                () -> browser.findElements(By.cssSelector("#alert-feed li")).stream()
                        .anyMatch(li ->
                                li.getText().endsWith("WARNING team:platform DAY: $0.70 of $1.00 (50 % threshold)")));
        screenshot("overview-live-alert");
    }

    @Test
    void whatIfReplacingAModelRepricesItsTokens() throws Exception {
        open(1280, "/what-if?period=today&replace-model=claude-sonnet-4-5%3Dgpt-4o", "what-if");

        // 150,000 × $2.50 + 100,000 × $10 per M = $1.375 instead of $1.95
        assertThat(rows("#t-what-if"))
                .containsExactly(
                        "claude-sonnet-4-5 1 $1.95 $1.38 -$0.58 -29.5 %",
                        "gpt-4o 2 $0.76 $0.76 $0.00 0.0 %", "total 3 $2.71 $2.13 -$0.58 -21.2 %");
    }

    @Test
    void aPageTellsTheBrowserNotToFrameCacheOrSniffIt() {
        HttpResponse<String> page = get(dashboard + "/costs", null);

        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("frame-ancestors 'none'")
                .contains("script-src 'self'");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void onAPhoneThePageDoesNotScrollSideways() throws Exception {
        open(390, "/", "overview-phone");

        Object overflow = browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
    }

    @Test
    void withATokenAWrongOneGets401AndTheLoginPageLetsTheRightOneIn() throws Exception {
        try (DashboardApp guarded = guardedDashboard()) {
            String base = "http://localhost:" + guarded.port();
            assertThat(get(base + "/costs?table=by-model&format=json", "Bearer wrong")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(get(base + "/costs?table=by-model&format=json", "Bearer s3cret")
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/costs"))
                            .header("Accept", "text/html")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(401);
            assertThat(page.body()).contains("<form method=\"post\" action=\"/login\"");

            browser = Browser.start(pipeline.data(), 1280, 900);
            browser.get(base + "/costs?period=today");
            login("wrong");
            // The click starts a navigation: wait for the answer page, not the page the click was made on.
            awaitBrowser(
                    "the login page answered",
                    () -> !browser.findElements(By.cssSelector("[role='alert']"))
                            .isEmpty());
            assertThat(text("[role='alert']")).isEqualTo("Wrong token.");
            login("s3cret");
            awaitBrowser(
                    "the costs page opened",
                    () -> browser.getCurrentUrl().equals(base + "/costs?period=today")
                            && !browser.findElements(By.cssSelector("h1")).isEmpty());
            assertThat(text("h1")).isEqualTo("Costs");
        }
    }

    @Test
    void aPageOfAnotherSiteCannotReadTheDashboardEvenWhileTheBrowserIsLoggedIn() throws Exception {
        try (DashboardApp guarded = guardedDashboard()) {
            String base = "http://localhost:" + guarded.port();
            // Another site (127.0.0.1 is not localhost to the browser) whose page tries to read the data with
            // the browser's cookies: the session cookie is SameSite=Strict and the dashboard sends no CORS headers.
            HttpServer attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] page = ("<!doctype html><title>waiting</title><script>fetch('" + base
                            + "/costs?table=by-model&format=json', {credentials: 'include'})"
                            + ".then(r => r.text()).then(t => { document.title = 'read ' + t.length; })"
                            + ".catch(() => { document.title = 'blocked'; });</script>")
                    .getBytes(StandardCharsets.UTF_8);
            attacker.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            attacker.start();
            try {
                browser = Browser.start(pipeline.data(), 1280, 900);
                browser.get(base + "/costs");
                login("s3cret");
                awaitBrowser(
                        "logged in",
                        () -> !browser.findElements(By.cssSelector("form.logout"))
                                .isEmpty());

                browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
                awaitBrowser(
                        "the other site's script finished",
                        () -> !browser.getTitle().equals("waiting"));

                assertThat(browser.getTitle()).isEqualTo("blocked");
            } finally {
                attacker.stop(0);
            }
        }
    }

    @Test
    void logoutEndsTheSessionSoItsCookieOpensNothingAfterwards() throws Exception {
        try (DashboardApp guarded = guardedDashboard()) {
            String base = "http://localhost:" + guarded.port();
            browser = Browser.start(pipeline.data(), 1280, 900);
            browser.get(base + "/costs");
            login("s3cret");
            awaitBrowser(
                    "the costs page opened",
                    () -> !browser.findElements(By.cssSelector("form.logout")).isEmpty());
            String session =
                    browser.manage().getCookieNamed("agentmeter_session").getValue();
            assertThat(cookieGet(base + "/costs?table=by-model&format=json", session)
                            .statusCode())
                    .isEqualTo(200);

            browser.findElement(By.cssSelector("form.logout button")).click();
            awaitBrowser(
                    "the login page",
                    () -> !browser.findElements(By.cssSelector("form.login")).isEmpty());

            assertThat(browser.manage().getCookieNamed("agentmeter_session"))
                    .as("cleared in the browser")
                    .isNull();
            assertThat(cookieGet(base + "/costs?table=by-model&format=json", session)
                            .statusCode())
                    .as("and ended on the server: a copy of the cookie opens nothing")
                    .isEqualTo(401);
        }
    }

    @Test
    void afterFiveWrongTokensTheBrowsersLoginsAreRefusedForAWhile() throws Exception {
        try (DashboardApp guarded = guardedDashboard()) {
            String base = "http://localhost:" + guarded.port();
            browser = Browser.start(pipeline.data(), 1280, 900);
            browser.get(base + "/login");
            for (int i = 1; i <= 5; i++) {
                loginAndAwaitTheAnswer("guess-" + i);
                assertThat(text("[role='alert']")).isEqualTo("Wrong token.");
            }
            loginAndAwaitTheAnswer("s3cret"); // even the right token waits: the address is throttled, not the token

            assertThat(text("[role='alert']"))
                    .isEqualTo("Too many wrong tokens from this address: try again in 15 min.");
            assertThat(browser.manage().getCookieNamed("agentmeter_session")).isNull();
        }
    }

    /** Logs in and waits until the page the form was on has been replaced by the answer. */
    private void loginAndAwaitTheAnswer(String token) throws InterruptedException {
        WebElement before = browser.findElement(By.cssSelector("form.login"));
        login(token);
        awaitBrowser("the answer to the login", () -> {
            try {
                before.isDisplayed();
                return false;
            } catch (StaleElementReferenceException replaced) {
                return !browser.findElements(By.cssSelector("[role='alert'], h1"))
                        .isEmpty();
            }
        });
    }

    private static HttpResponse<String> cookieGet(String url, String session) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Cookie", "agentmeter_session=" + session)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A dashboard that asks for the token s3cret, on a free port. */
    private static DashboardApp guardedDashboard() {
        return new DashboardApp(DashboardConfig.of(Map.of(
                        DashboardConfig.PG_URL,
                        pipeline.pgUrl(),
                        DashboardConfig.HTTP_PORT,
                        "0",
                        DashboardConfig.HTTP_AUTH_TOKEN,
                        "s3cret")))
                .start();
    }

    private void login(String token) {
        browser.findElement(By.name("token")).sendKeys(token);
        browser.findElement(By.cssSelector("form.login button")).click();
    }

    private void open(int width, String path, String shot) throws Exception {
        browser = Browser.start(pipeline.data(), width, 1400);
        browser.get(dashboard + path);
        if (shot != null) {
            awaitBrowser("the live stream connected", () -> text("#live-status").startsWith("live"));
            screenshot(shot);
        }
    }

    private void screenshot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }

    /** Each body row's cells, joined by single spaces. */
    private List<String> rows(String table) {
        return browser.findElements(By.cssSelector(table + " tbody tr, " + table + " tfoot tr")).stream()
                .map(tr -> String.join(
                        " ",
                        tr.findElements(By.cssSelector("th, td")).stream()
                                .map(WebElement::getText)
                                .map(String::trim)
                                .toList()))
                .toList();
    }

    private void awaitBrowser(String what, Supplier<Boolean> condition) throws InterruptedException {
        await(what, condition);
    }

    private static void budget(String scope, String dayLimit) {
        Budget b = new Budget(Scope.parse(scope), Map.of(Period.DAY, new BigDecimal(dayLimit)), null);
        KafkaIo.publish(pipeline.bootstrapServers(), Topics.BUDGETS, scope, ContractJson.toBytes(b));
    }

    private static String event(
            String id,
            Instant at,
            String agent,
            String user,
            String team,
            String session,
            String handoff,
            String model,
            long in,
            long cacheRead,
            long out,
            String status,
            long durationMs) {
        return "{\"schemaVersion\":1,\"eventId\":\"" + id + "\",\"timestamp\":\"" + at
                + "\",\"kind\":\"llm\",\"agent\":\""
                + agent + "\",\"userId\":\"" + user + "\",\"teamId\":\"" + team + "\",\"sessionId\":\"" + session
                + "\","
                + (handoff == null ? "" : "\"handoffChain\":[\"" + handoff + "\"],")
                + "\"model\":\"" + model + "\",\"usage\":{\"inputTokens\":" + in + ",\"outputTokens\":" + out
                + ",\"cacheReadTokens\":" + cacheRead + "},\"call\":{\"status\":\"" + status + "\",\"durationMs\":"
                + durationMs + "}}";
    }

    private static HttpResponse<String> get(String url, String authorization) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // e.g. an element not rendered yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within 60 s: " + what);
    }
}
