/**
 * Free text leaves the process redacted and cut, by the same rules as the Java client
 * (dev.agentmeter.client.redact.Redactor and the contract's FreeText): the shared vectors in
 * clients/test-vectors prove both.
 */

/** One redaction rule: every match of `pattern` becomes `replacement` ($1 … refer to its groups). */
export interface RedactionRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replacement: string;
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

function rule(name: string, source: string, replacement: string, flags = ""): RedactionRule {
  return { name, pattern: new RegExp(source, "g" + flags), replacement };
}

/** The built-in rules, in order (specific key formats before generic ones), as the Java client has them. */
export const DEFAULT_RULES: readonly RedactionRule[] = [
  rule("anthropic-key", "\\bsk-ant-[A-Za-z0-9_-]{10,}", "[REDACTED_API_KEY]"),
  rule("openai-key", "\\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}", "[REDACTED_API_KEY]"),
  rule("aws-access-key", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b", "[REDACTED_AWS_KEY]"),
  rule("github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", "[REDACTED_TOKEN]"),
  rule("slack-token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}", "[REDACTED_TOKEN]"),
  rule("bearer", "\\bBearer\\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer [REDACTED_TOKEN]", "i"),
  rule("key-value-secret",
    "\\b(password|passwd|pwd|secret|client_secret|api_key|apikey|api-key|access_key|"
      + "access_token|auth_token|refresh_token|private_key|token)"
      + "(\\s*[=:]\\s*)(\"[^\"]+\"|'[^']+'|[^\\s,;&\"']{4,})", "$1$2[REDACTED]", "i"),
  rule("email", "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b", "[REDACTED_EMAIL]"),
  rule("unix-home", "(/home/|/Users/)[^/\\s]+", "$1[USER]"),
  rule("windows-home", "([A-Z]:\\\\Users\\\\)[^\\\\\\s]+", "$1[USER]", "i"),
  rule("dollar-amount", "(?<![A-Za-z0-9_])\\$\\s?\\d[\\d,]*(?:\\.\\d+)?(?:[kKmMbB]\\b)?", "[REDACTED_AMOUNT]"),
  rule("private-ipv4", "(?<![\\d.])(?:10\\." + OCTET + "|172\\.(?:1[6-9]|2\\d|3[01])|192\\.168)"
    + "\\." + OCTET + "\\." + OCTET + "(?![\\d.]*\\d)", "[REDACTED_IP]"),
];

/** Applies `rules` in order. */
export function redact(text: string, rules: readonly RedactionRule[] = DEFAULT_RULES): string {
  let out = text;
  for (const r of rules) {
    r.pattern.lastIndex = 0;
    out = out.replace(r.pattern, r.replacement);
  }
  return out;
}

/** The contract's limits, in Unicode code points. */
export const MAX_TEXT = 4000;
export const MAX_ATTRIBUTE_VALUE = 1000;
export const MAX_ATTRIBUTES = 64;
export const MAX_LABEL = 200;

/** U+0000 and unpaired UTF-16 surrogates (which PostgreSQL cannot store) become U+FFFD; the first `max` code points are kept. */
export function cut(text: string, max: number): { text: string; cut: boolean } {
  let out = "";
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (count === max) {
      return { text: out, cut: true };
    }
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else {
        out += "\uFFFD";
      }
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0) {
      out += "\uFFFD";
    } else {
      out += text[i]!;
    }
    count++;
  }
  return { text: out, cut: false };
}

/** Code points of `text` (a length a person means: an emoji is one). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) {
    n++;
  }
  return n;
}

/**
 * What the client does to one free-text field before it leaves: shortened to twice its limit first
 * (so the patterns never run over megabytes), redacted, then cut to the limit.
 */
export function clean(text: string, max: number, rules: readonly RedactionRule[] = DEFAULT_RULES): { text: string; cut: boolean } {
  const head = cut(text, 2 * max);
  const c = cut(redact(head.text, rules), max);
  return { text: c.text, cut: c.cut || head.cut };
}
