package dev.agentmeter.dashboard.web;

import dev.agentmeter.model.Percent;
import dev.agentmeter.model.Usd;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Escaping and the way figures read on a page: money in cents, counts with separators, times in the page's zone. */
public final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Html() {}

    /** Text safe inside an element or a quoted attribute. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    public static String usd(BigDecimal v) {
        return Usd.human(v);
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 12.5 %}; a dash for null. */
    public static String percent(BigDecimal p) {
        return Percent.human(p);
    }

    public static String time(Instant t, ZoneId zone) {
        return t == null ? "–" : TIME.format(t.atZone(zone));
    }
}
