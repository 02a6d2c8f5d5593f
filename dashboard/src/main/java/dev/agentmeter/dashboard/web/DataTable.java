package dev.agentmeter.dashboard.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.analytics.Csv;
import dev.agentmeter.model.Usd;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One table of a page, kept as values so that it renders three ways: HTML for people (money in
 * cents, {@link Html}), and CSV and JSON downloads with the exact decimals. Column keys are the
 * JSON names (camelCase, as in the contract); CSV headers are the same names in snake_case, as the
 * CLI's {@code --output csv} writes them.
 */
public final class DataTable {

    /** How a column's values read and download. */
    public enum Kind {
        TEXT,
        COUNT,
        USD,
        PERCENT,
        INSTANT
    }

    public record Column(String key, String label, Kind kind) {
        boolean numeric() {
            return kind == Kind.COUNT || kind == Kind.USD || kind == Kind.PERCENT;
        }
    }

    /** A cell that links somewhere on the page; downloads carry its text. */
    public record Link(String text, String href) {}

    private final String name;
    private final String caption;
    private final List<Column> columns = new ArrayList<>();
    private final List<List<Object>> rows = new ArrayList<>();
    private List<Object> footer;
    private String empty = "No usage in this window.";

    public DataTable(String name, String caption) {
        this.name = name;
        this.caption = caption;
    }

    public DataTable text(String key, String label) {
        return column(key, label, Kind.TEXT);
    }

    public DataTable count(String key, String label) {
        return column(key, label, Kind.COUNT);
    }

    public DataTable usd(String key, String label) {
        return column(key, label, Kind.USD);
    }

    public DataTable percent(String key, String label) {
        return column(key, label, Kind.PERCENT);
    }

    public DataTable instant(String key, String label) {
        return column(key, label, Kind.INSTANT);
    }

    private DataTable column(String key, String label, Kind kind) {
        columns.add(new Column(key, label, kind));
        return this;
    }

    /** One row, a value per column in order: String or {@link Link}, Long, BigDecimal, Instant; null for none. */
    public DataTable row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for " + columns.size() + " columns");
        }
        rows.add(Arrays.asList(values));
        return this;
    }

    /** A totals row, shown under the table (downloads hold the rows only: sums are theirs to take). */
    public DataTable footer(Object... values) {
        footer = Arrays.asList(values);
        return this;
    }

    public DataTable whenEmpty(String text) {
        empty = text;
        return this;
    }

    public String name() {
        return name;
    }

    public List<List<Object>> rows() {
        return rows;
    }

    /** A figure with its caption and download links ({@code query}: the page's query string, to keep its filters). */
    public String html(ZoneId zone, String query) {
        StringBuilder h = new StringBuilder();
        String base = "?" + (query == null || query.isEmpty() ? "" : query + "&") + "table=" + name + "&format=";
        h.append("<figure class=\"table\" id=\"t-")
                .append(name)
                .append("\">\n<div class=\"scroll\"><table>\n<caption>")
                .append(Html.esc(caption))
                .append("</caption>\n<thead><tr>");
        for (Column c : columns) {
            h.append("<th scope=\"col\"")
                    .append(c.numeric() ? " class=\"num\"" : "")
                    .append('>')
                    .append(Html.esc(c.label()))
                    .append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        if (rows.isEmpty()) {
            h.append("<tr><td colspan=\"")
                    .append(columns.size())
                    .append("\" class=\"empty\">")
                    .append(Html.esc(empty))
                    .append("</td></tr>\n");
        }
        for (List<Object> row : rows) {
            htmlRow(h, row, "td", zone);
        }
        h.append("</tbody>\n");
        if (footer != null) {
            h.append("<tfoot>");
            htmlRow(h, footer, "td", zone);
            h.append("</tfoot>\n");
        }
        h.append("</table></div>\n<figcaption class=\"downloads\">Download: <a href=\"")
                .append(Html.esc(base))
                .append("csv\" download>CSV</a> · <a href=\"")
                .append(Html.esc(base))
                .append("json\" download>JSON</a>")
                .append(" (exact decimals)</figcaption>\n</figure>\n");
        return h.toString();
    }

    private void htmlRow(StringBuilder h, List<Object> row, String cell, ZoneId zone) {
        h.append("<tr>");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = row.get(i);
            boolean head = i == 0;
            String tag = head ? "th" : cell;
            h.append('<').append(tag).append(head ? " scope=\"row\"" : "").append(c.numeric() ? " class=\"num\"" : "");
            if (c.kind() == Kind.USD && v instanceof BigDecimal d) {
                h.append(" title=\"").append(Usd.exact(d)).append('"'); // the exact figure on hover
            }
            h.append('>').append(display(c, v, zone)).append("</").append(tag).append('>');
        }
        h.append("</tr>\n");
    }

    private static String display(Column c, Object v, ZoneId zone) {
        if (v == null) {
            return "–";
        }
        if (v instanceof Link link) {
            return "<a href=\"" + Html.esc(link.href()) + "\">" + Html.esc(link.text()) + "</a>";
        }
        return switch (c.kind()) {
            case USD -> Html.usd((BigDecimal) v);
            case COUNT -> Html.count(((Number) v).longValue());
            case PERCENT -> Html.percent((BigDecimal) v);
            case INSTANT -> Html.time((Instant) v, zone);
            case TEXT -> Html.esc(String.valueOf(v));
        };
    }

    /**
     * RFC 4180 CSV: snake_case headers, exact decimals, instants in ISO-8601 UTC. Text that a
     * spreadsheet would run as a formula (agent names come from agents) starts with an apostrophe,
     * as OWASP's CSV-injection advice says.
     */
    public String csv() {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(c -> snake(c.key())).toList()))
                .append('\n');
        for (List<Object> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(Csv.field(exact(columns.get(i), row.get(i))));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A JSON array of objects: money and percentages as decimal strings (the contract's rule), counts as numbers. */
    public ArrayNode json() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (List<Object> row : rows) {
            ObjectNode o = out.addObject();
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                Object v = row.get(i);
                if (v == null) {
                    o.putNull(c.key());
                } else if (c.kind() == Kind.COUNT) {
                    o.put(c.key(), ((Number) v).longValue());
                } else {
                    o.put(c.key(), exact(c, v));
                }
            }
        }
        return out;
    }

    /** Money without the trailing zeros a numeric sum carries ("1.95", not "1.95000000"); other decimals as they are. */
    private static String exact(Column c, Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Link link) {
            return link.text();
        }
        if (v instanceof BigDecimal d) {
            return c.kind() == Kind.USD ? Usd.exact(d) : d.toPlainString();
        }
        return String.valueOf(v);
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
