package dev.agentmeter.analytics.reconcile;

import dev.agentmeter.model.Percent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Tracked spend against a provider's bill, per UTC day × model (× account when asked): the capture
 * rate (tracked ÷ billed), the differences beyond the tolerance, and what only one side has.
 * Money stays exact; only the table rounds.
 */
public final class Reconciler {

    public enum Status {
        MATCH,
        MISMATCH,
        ONLY_BILLED,
        ONLY_TRACKED
    }

    public record Key(LocalDate day, String model, String account) {}

    public record Line(
            LocalDate day,
            String model,
            String account,
            BigDecimal billedUsd,
            BigDecimal trackedUsd,
            BigDecimal differenceUsd,
            Status status) {}

    public record Day(LocalDate day, BigDecimal billedUsd, BigDecimal trackedUsd, BigDecimal captureRatePercent) {}

    public record Result(
            LocalDate from,
            LocalDate to,
            BigDecimal tolerancePercent,
            BigDecimal billedUsd,
            BigDecimal trackedUsd,
            BigDecimal captureRatePercent,
            List<Day> days,
            List<Line> lines) {

        /** Lines that need a person: mismatches and one-sided items. */
        public List<Line> discrepancies() {
            return lines.stream().filter(l -> l.status() != Status.MATCH).toList();
        }
    }

    private final UnaryOperator<String> modelKey;

    /** @param modelKey provider model names to the catalog's keys, as the tracked rows are keyed */
    public Reconciler(UnaryOperator<String> modelKey) {
        this.modelKey = modelKey;
    }

    /** Tracked spend per day × model (× the attribute holding the account) for the source's providers, [from, to]. */
    public static Map<Key, BigDecimal> tracked(
            Connection c, String table, BillSource source, LocalDate from, LocalDate to, String accountAttribute)
            throws SQLException {
        String account = accountAttribute == null ? "NULL::text" : "attributes ->> ?";
        String sql =
                "SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(model_key, model, 'api:' || api_service), "
                        + account + ", sum(total_cost_usd) FROM " + table
                        + " WHERE provider = ANY (?) AND occurred_at >= ? AND occurred_at < ? GROUP BY 1, 2, 3";
        Map<Key, BigDecimal> out = new TreeMap<>(KEY_ORDER);
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (accountAttribute != null) {
                s.setString(i++, accountAttribute);
            }
            s.setArray(i++, c.createArrayOf("text", source.providers().toArray()));
            s.setObject(i++, from.atStartOfDay().atOffset(ZoneOffset.UTC));
            s.setObject(i, to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.merge(
                            new Key(r.getObject(1, LocalDate.class), r.getString(2), r.getString(3)),
                            r.getBigDecimal(4),
                            BigDecimal::add);
                }
            }
        }
        return out;
    }

    static final Comparator<Key> KEY_ORDER = Comparator.comparing(Key::day)
            .thenComparing(Key::model)
            .thenComparing(Key::account, Comparator.nullsFirst(Comparator.naturalOrder()));

    /**
     * The bill's lines matched against the tracked cost of the same days, with what differs.
     *
     * @param tolerancePercent a difference up to this share of the billed amount is a match
     * @param byAccount match on the account too (else the bill's accounts are summed)
     */
    public Result reconcile(
            List<BilledItem> bill,
            Map<Key, BigDecimal> tracked,
            LocalDate from,
            LocalDate to,
            BigDecimal tolerancePercent,
            boolean byAccount) {
        Map<Key, BigDecimal> billed = new TreeMap<>(KEY_ORDER);
        for (BilledItem item : bill) {
            if (item.day().isBefore(from) || item.day().isAfter(to)) {
                continue;
            }
            billed.merge(
                    new Key(item.day(), modelKey.apply(item.model()), byAccount ? item.account() : null),
                    item.usd(),
                    BigDecimal::add);
        }
        Map<Key, BigDecimal> ours = new TreeMap<>(KEY_ORDER);
        tracked.forEach((k, v) -> ours.merge(byAccount ? k : new Key(k.day(), k.model(), null), v, BigDecimal::add));

        TreeMap<Key, Line> lines = new TreeMap<>(KEY_ORDER);
        for (Key k : union(billed, ours)) {
            BigDecimal b = billed.get(k);
            BigDecimal t = ours.get(k);
            BigDecimal diff = nz(t).subtract(nz(b));
            Status status = b == null
                    ? Status.ONLY_TRACKED
                    : t == null
                            ? Status.ONLY_BILLED
                            : diff.abs()
                                                    .compareTo(b.abs()
                                                            .multiply(tolerancePercent)
                                                            .movePointLeft(2))
                                            <= 0
                                    ? Status.MATCH
                                    : Status.MISMATCH;
            lines.put(k, new Line(k.day(), k.model(), k.account(), b, t, diff, status));
        }
        TreeMap<LocalDate, BigDecimal[]> perDay = new TreeMap<>();
        for (Line l : lines.values()) {
            BigDecimal[] d = perDay.computeIfAbsent(l.day(), x -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            d[0] = d[0].add(nz(l.billedUsd()));
            d[1] = d[1].add(nz(l.trackedUsd()));
        }
        List<Day> days = new ArrayList<>();
        BigDecimal billedTotal = BigDecimal.ZERO;
        BigDecimal trackedTotal = BigDecimal.ZERO;
        for (Map.Entry<LocalDate, BigDecimal[]> e : perDay.entrySet()) {
            days.add(new Day(e.getKey(), e.getValue()[0], e.getValue()[1], rate(e.getValue()[1], e.getValue()[0])));
            billedTotal = billedTotal.add(e.getValue()[0]);
            trackedTotal = trackedTotal.add(e.getValue()[1]);
        }
        return new Result(
                from,
                to,
                tolerancePercent,
                billedTotal,
                trackedTotal,
                rate(trackedTotal, billedTotal),
                days,
                List.copyOf(lines.values()));
    }

    private static List<Key> union(Map<Key, BigDecimal> a, Map<Key, BigDecimal> b) {
        TreeMap<Key, Boolean> all = new TreeMap<>(KEY_ORDER);
        a.keySet().forEach(k -> all.put(k, true));
        b.keySet().forEach(k -> all.put(k, true));
        return List.copyOf(all.keySet());
    }

    /** tracked ÷ billed as a percentage, 2 decimals (a ratio, not money); null when nothing was billed. */
    static BigDecimal rate(BigDecimal tracked, BigDecimal billed) {
        return Percent.of(tracked, billed, 2);
    }

    private static BigDecimal nz(BigDecimal v) {
        return Objects.requireNonNullElse(v, BigDecimal.ZERO);
    }
}
