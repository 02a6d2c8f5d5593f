package dev.agentmeter.dashboard.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One page as it is built: HTML in order, and every table kept by name so that the same request
 * with {@code ?table=NAME&format=csv|json} downloads that table exactly. Rendered in the shared
 * layout: a navigation bar, the live indicator, and the scripts that keep figures live.
 */
public final class Page {

    /** The navigation, path → label, in order. */
    public static final Map<String, String> NAV = nav();

    private static Map<String, String> nav() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("/", "Overview");
        m.put("/costs", "Costs");
        m.put("/sessions", "Sessions");
        m.put("/budgets", "Budgets & alerts");
        m.put("/what-if", "What-if");
        return Collections.unmodifiableMap(m);
    }

    private final String title;
    private final String section;
    private final ZoneId zone;
    private final String query;
    private final StringBuilder body = new StringBuilder();
    private final Map<String, DataTable> tables = new LinkedHashMap<>();
    private boolean charts;

    /**
     * @param section the navigation path it belongs to
     * @param query   the page's query string without table/format, kept in download links
     */
    public Page(String title, String section, ZoneId zone, String query) {
        this.title = title;
        this.section = section;
        this.zone = zone;
        this.query = query;
    }

    public Page html(String html) {
        body.append(html);
        return this;
    }

    public Page table(DataTable t) {
        tables.put(t.name(), t);
        body.append(t.html(zone, query));
        return this;
    }

    /** A bar chart of a day/week series (uPlot), with its table under it for screen readers and downloads. */
    public Page chart(String id, String label, String seriesJson) {
        charts = true;
        body.append("<figure class=\"chart\"><div id=\"")
                .append(Html.esc(id))
                .append("\" class=\"plot\" role=\"img\" aria-label=\"")
                .append(Html.esc(label))
                .append("\"></div><script type=\"application/json\" data-chart=\"")
                .append(Html.esc(id))
                .append("\">")
                .append(seriesJson.replace("</", "<\\/"))
                .append("</script><figcaption>")
                .append(Html.esc(label))
                .append("</figcaption></figure>\n");
        return this;
    }

    /** Answers the request: the named table as CSV or JSON when asked, else the page. */
    public void respond(Context ctx, boolean loggedIn) {
        String format = ctx.queryParam("format");
        if (format != null) {
            DataTable t = tables.get(ctx.queryParam("table"));
            if (t == null) {
                throw new IllegalArgumentException("table must be one of " + String.join(", ", tables.keySet()));
            }
            String file = "agentmeter-" + t.name();
            switch (format) {
                case "csv" -> {
                    ctx.header("Content-Disposition", "attachment; filename=\"" + file + ".csv\"");
                    ctx.contentType("text/csv; charset=utf-8").result(t.csv());
                }
                case "json" -> {
                    ObjectNode root = JsonNodeFactory.instance.objectNode();
                    root.put("table", t.name());
                    root.set("rows", t.json());
                    ctx.header("Content-Disposition", "attachment; filename=\"" + file + ".json\"");
                    ctx.contentType("application/json").result(root.toPrettyString());
                }
                default -> throw new IllegalArgumentException("format must be csv or json, not " + format);
            }
            return;
        }
        ctx.contentType("text/html; charset=utf-8").result(layout(title, section, body.toString(), charts, loggedIn));
    }

    /** The shared page around {@code main}. */
    public static String layout(String title, String section, String main, boolean charts, boolean loggedIn) {
        StringBuilder h = new StringBuilder(main.length() + 2048);
        h.append("""
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>""")
                .append(Html.esc(title))
                .append(" · agentmeter</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\n");
        if (charts) {
            h.append("<link rel=\"stylesheet\" href=\"/webjars/uplot/1.6.30/dist/uPlot.min.css\">\n")
                    .append("<script src=\"/webjars/uplot/1.6.30/dist/uPlot.iife.min.js\" defer></script>\n");
        }
        h.append("<script src=\"/assets/dashboard.js\" defer></script>\n</head>\n<body>\n")
                .append(
                        "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n<p class=\"brand\">agentmeter</p>\n")
                .append("<nav aria-label=\"Pages\"><ul>\n");
        NAV.forEach((path, label) -> h.append("<li><a href=\"")
                .append(path)
                .append('"')
                .append(path.equals(section) ? " aria-current=\"page\"" : "")
                .append('>')
                .append(Html.esc(label))
                .append("</a></li>\n"));
        h.append("</ul></nav>\n<p class=\"live\" id=\"live-status\" role=\"status\">connecting…</p>\n");
        if (loggedIn) {
            h.append(
                    "<form method=\"post\" action=\"/logout\" class=\"logout\"><button type=\"submit\">Log out</button></form>\n");
        }
        h.append("</header>\n<main id=\"main\">\n<h1>")
                .append(Html.esc(title))
                .append("</h1>\n")
                .append(main)
                .append("</main>\n<footer><p>Money in cents (more digits below a cent); hover a figure for the exact")
                .append(" value. Downloads carry exact decimals.</p></footer>\n</body>\n</html>\n");
        return h.toString();
    }
}
