package dev.agentmeter.analytics;

import java.util.regex.Pattern;

/**
 * CSV fields as every download and {@code --output csv} writes them (RFC 4180): quoted when they
 * hold a comma, a quote, a carriage return or a line feed, quotes doubled, null as empty. Text a
 * spreadsheet would run as a formula (it begins with {@code =}, {@code +}, {@code -}, {@code @}, a
 * tab or a carriage return: an agent or user name is the sender's to choose) gets a leading
 * apostrophe, as OWASP advises; numbers, negative ones included, are written as they are, so exact
 * figures stay exact.
 */
public final class Csv {

    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private Csv() {}

    /** One field, guarded and quoted as above. */
    public static String field(String s) {
        if (s == null) {
            return "";
        }
        return quoted(formulaSafe(s));
    }

    /** One field quoted but not guarded: for CSV that only a machine reads (the FOCUS export's Parquet step). */
    public static String exactField(String s) {
        return s == null ? "" : quoted(s);
    }

    /** {@code s}, with an apostrophe in front when a spreadsheet would take it for a formula. */
    static String formulaSafe(String s) {
        if (s.isEmpty() || NUMBER.matcher(s).matches()) {
            return s;
        }
        char first = s.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + s
                : s;
    }

    private static String quoted(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
