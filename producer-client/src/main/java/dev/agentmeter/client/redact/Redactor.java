package dev.agentmeter.client.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets and personal data from free text before it leaves the process: API keys and
 * tokens, key=value secrets, e-mail addresses, user names in home-directory paths, dollar amounts
 * and private IPv4 addresses. Rules run in order; more can be added. Immutable and thread-safe.
 */
public final class Redactor {

    /** One pattern and what replaces each match ({@code $1} etc. refer to the pattern's groups). */
    public record Rule(String name, Pattern pattern, String replacement) {}

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

    /** The built-in rules; order matters (specific key formats before generic ones). */
    public static final List<Rule> DEFAULT_RULES = List.of(
            rule("anthropic-key", "\\bsk-ant-[A-Za-z0-9_-]{10,}", "[REDACTED_API_KEY]"),
            rule("openai-key", "\\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}", "[REDACTED_API_KEY]"),
            rule("aws-access-key", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b", "[REDACTED_AWS_KEY]"),
            rule("github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", "[REDACTED_TOKEN]"),
            rule("slack-token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}", "[REDACTED_TOKEN]"),
            rule("bearer", "(?i)\\bBearer\\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer [REDACTED_TOKEN]"),
            rule(
                    "key-value-secret",
                    "(?i)\\b(password|passwd|pwd|secret|client_secret|api_key|apikey|api-key|access_key|"
                            + "access_token|auth_token|refresh_token|private_key|token)"
                            + "(\\s*[=:]\\s*)(\"[^\"]+\"|'[^']+'|[^\\s,;&\"']{4,})",
                    "$1$2[REDACTED]"),
            rule(
                    "email",
                    "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b",
                    "[REDACTED_EMAIL]"),
            rule("unix-home", "(/home/|/Users/)[^/\\s]+", "$1[USER]"),
            rule("windows-home", "(?i)([A-Z]:\\\\Users\\\\)[^\\\\\\s]+", "$1[USER]"),
            rule(
                    "dollar-amount",
                    "(?<![A-Za-z0-9_])\\$\\s?\\d[\\d,]*(?:\\.\\d+)?(?:[kKmMbB]\\b)?",
                    "[REDACTED_AMOUNT]"),
            rule(
                    "private-ipv4",
                    "(?<![\\d.])(?:10\\." + OCTET + "|172\\.(?:1[6-9]|2\\d|3[01])|192\\.168)" + "\\." + OCTET + "\\."
                            + OCTET + "(?![\\d.]*\\d)",
                    "[REDACTED_IP]"));

    private static final Redactor DEFAULT = new Redactor(DEFAULT_RULES);
    private static final Redactor NONE = new Redactor(List.of());

    private final List<Rule> rules;

    private Redactor(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Redactor defaults() {
        return DEFAULT;
    }

    /** Redacts nothing: for callers who clean text themselves. */
    public static Redactor none() {
        return NONE;
    }

    /** This redactor plus one more rule, applied after the existing ones. */
    public Redactor with(String name, String regex, String replacement) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(rule(name, regex, replacement));
        return new Redactor(more);
    }

    public List<Rule> rules() {
        return rules;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (Rule r : rules) {
            Matcher m = r.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(r.replacement());
            }
        }
        return out;
    }

    private static Rule rule(String name, String regex, String replacement) {
        return new Rule(name, Pattern.compile(regex), replacement);
    }
}
