package dev.agentmeter.model.validation;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UsageEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contract's rule that free text is cut, never a reason to reject a billable event, and that
 * characters Postgres cannot store are replaced. Every part that lets an event in applies it: the
 * producer client before sending, the CLI, the collector, and the processor for what arrives uncut.
 *
 * <ul>
 *   <li>Free text ({@code task.description}, {@code call.errorMessage}, {@code call.finishReason},
 *       {@code api.endpoint}) keeps its first {@value #MAX_TEXT} code points, attribute values
 *       their first {@value #MAX_ATTRIBUTE_VALUE}; attributes beyond the {@value #MAX_ATTRIBUTES}th in
 *       key order (code point order) are dropped.</li>
 *   <li>Labels the contract does not bound ({@code provider}, {@code region}, {@code task.type},
 *       {@code task.complexity}, {@code call.method}, {@code call.status}, {@code api.service},
 *       handoff chain entries, attribute keys) keep their first {@value #MAX_LABEL} code points: they
 *       cannot make an event unbillable either.</li>
 *   <li>In all of those, U+0000 (refused by Postgres {@code text} and {@code jsonb}) and unpaired
 *       UTF-16 surrogates (not encodable in UTF-8) become U+FFFD; every other character stays.</li>
 * </ul>
 *
 * Identifiers ({@code eventId}, {@code agent}, {@code userId}, {@code sessionId}, {@code teamId},
 * {@code model}) are never changed here: one out of bounds is a rejection ({@link UsageEventValidator}).
 * A cut never splits a surrogate pair.
 */
public final class FreeText {

    /** Code points kept of a free-text field. */
    public static final int MAX_TEXT = 4000;
    /** Code points kept of an attribute value. */
    public static final int MAX_ATTRIBUTE_VALUE = 1000;
    /** Attributes kept, the first ones in key order. */
    public static final int MAX_ATTRIBUTES = 64;
    /** Code points kept of a label (and the bound of an identifier, which is rejected beyond it). */
    public static final int MAX_LABEL = 200;

    public static final char REPLACEMENT = '\uFFFD';

    /** Attribute keys in code point order (the order of their UTF-8 bytes), not UTF-16 order. */
    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private FreeText() {}

    /**
     * The event with its text cut and made storable, and marked {@code truncated} when something was
     * cut or dropped. {@code cut}: this call cut something; {@code replaced}: characters it replaced by
     * U+FFFD. The same instance comes back when nothing changed ({@link #changed()} false).
     */
    public record Cut(UsageEvent event, boolean cut, int replaced, boolean normalised) {
        public Cut(UsageEvent event, boolean cut, int replaced) {
            this(event, cut, replaced, false);
        }

        /** Whether the event differs from what arrived (cut, replaced, or its tier written the contract's way). */
        public boolean changed() {
            return cut || replaced > 0 || normalised;
        }
    }

    public static Cut cut(UsageEvent e) {
        if (e == null) {
            return new Cut(null, false, 0);
        }
        // Not text, but made canonical on receipt like it: "DEFAULT" is standard, "Batch" is batch.
        String tier = ServiceTiers.normalise(e.serviceTier());
        boolean normalised = !Objects.equals(tier, e.serviceTier());
        if (normalised) {
            e = e.toBuilder().serviceTier(tier).build();
        }
        Fixer f = new Fixer();
        String provider = f.fix(e.provider(), MAX_LABEL);
        String region = f.fix(e.region(), MAX_LABEL);
        List<String> chain = chain(f, e.handoffChain());
        Task task = e.task();
        if (task != null) {
            String type = f.fix(task.type(), MAX_LABEL);
            String complexity = f.fix(task.complexity(), MAX_LABEL);
            String description = f.fix(task.description(), MAX_TEXT);
            if (!Objects.equals(type, task.type())
                    || !Objects.equals(complexity, task.complexity())
                    || !Objects.equals(description, task.description())) {
                task = new Task(type, complexity, description);
            }
        }
        Call call = e.call();
        if (call != null) {
            String method = f.fix(call.method(), MAX_LABEL);
            String finishReason = f.fix(call.finishReason(), MAX_TEXT);
            String status = f.fix(call.status(), MAX_LABEL);
            String errorMessage = f.fix(call.errorMessage(), MAX_TEXT);
            if (!Objects.equals(method, call.method())
                    || !Objects.equals(finishReason, call.finishReason())
                    || !Objects.equals(status, call.status())
                    || !Objects.equals(errorMessage, call.errorMessage())) {
                call = new Call(method, finishReason, call.durationMs(), status, errorMessage, call.promptChars());
            }
        }
        ApiCall api = e.api();
        if (api != null) {
            String service = f.fix(api.service(), MAX_LABEL);
            String endpoint = f.fix(api.endpoint(), MAX_TEXT);
            if (!Objects.equals(service, api.service()) || !Objects.equals(endpoint, api.endpoint())) {
                api = new ApiCall(service, endpoint, api.statusCode(), api.costUsd());
            }
        }
        Map<String, String> attributes = attributes(f, e.attributes());
        if (!f.truncated && f.replaced == 0) {
            return new Cut(e, false, 0, normalised);
        }
        UsageEvent out = e.toBuilder()
                .provider(provider)
                .region(region)
                .handoffChain(chain)
                .task(task)
                .call(call)
                .api(api)
                .attributes(attributes)
                .truncated(f.truncated ? Boolean.TRUE : e.truncated())
                .build();
        return new Cut(out, f.truncated, f.replaced, normalised);
    }

    /** The first {@code max} code points of {@code s}, never half a surrogate pair; null stays null. */
    public static String prefix(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = s.offsetByCodePoints(0, Math.min(max, s.codePointCount(0, s.length())));
        return s.substring(0, end);
    }

    /** {@code s} with U+0000 and unpaired surrogates replaced by U+FFFD; the same instance if none. */
    public static String storable(String s) {
        if (s == null || isStorable(s)) {
            return s;
        }
        Fixer f = new Fixer();
        return f.fix(s, Integer.MAX_VALUE);
    }

    /** Whether Postgres text can hold {@code s} as it is: no U+0000, no unpaired surrogate. */
    public static boolean isStorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> chain(Fixer f, List<String> chain) {
        if (chain == null) {
            return null;
        }
        List<String> out = null;
        for (int i = 0; i < chain.size(); i++) {
            String agent = chain.get(i);
            String fixed = f.fix(agent, MAX_LABEL);
            if (!Objects.equals(fixed, agent) && out == null) {
                out = new ArrayList<>(chain.subList(0, i));
            }
            if (out != null) {
                out.add(fixed);
            }
        }
        return out == null ? chain : out;
    }

    private static Map<String, String> attributes(Fixer f, Map<String, String> attributes) {
        if (attributes == null) {
            return null;
        }
        boolean clean = attributes.size() <= MAX_ATTRIBUTES;
        if (clean) {
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                if (!isClean(a.getKey(), MAX_LABEL) || !isClean(a.getValue(), MAX_ATTRIBUTE_VALUE)) {
                    clean = false;
                    break;
                }
            }
        }
        if (clean) {
            return attributes;
        }
        List<String> keys = new ArrayList<>(attributes.keySet());
        keys.sort(CODE_POINT_ORDER);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : keys) {
            if (out.size() == MAX_ATTRIBUTES) {
                f.truncated = true; // the 65th and later, in key order
                break;
            }
            String fixedKey = f.fix(key, MAX_LABEL);
            if (out.containsKey(fixedKey)) {
                f.truncated = true; // two keys became one when cut: the first in key order stays
                continue;
            }
            out.put(fixedKey, f.fix(attributes.get(key), MAX_ATTRIBUTE_VALUE));
        }
        return out;
    }

    /** Whether {@code s} needs neither a cut nor a replacement (a fast scan: most text does not). */
    private static boolean isClean(String s, int max) {
        return s == null || (s.length() <= max && isStorable(s));
    }

    /** Cuts and replaces, remembering whether it did. */
    private static final class Fixer {
        boolean truncated;
        int replaced;

        /** {@code s} made storable and cut to {@code max} code points; the same instance when unchanged. */
        String fix(String s, int max) {
            if (isClean(s, max)) {
                return s;
            }
            StringBuilder out = new StringBuilder((int) Math.min(s.length(), 2L * max));
            int kept = 0;
            int i = 0;
            while (i < s.length()) {
                if (kept == max) {
                    truncated = true;
                    break;
                }
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    out.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else {
                    if (c == 0 || Character.isSurrogate(c)) {
                        out.append(REPLACEMENT);
                        replaced++;
                    } else {
                        out.append(c);
                    }
                    i++;
                }
                kept++;
            }
            return out.toString();
        }
    }
}
