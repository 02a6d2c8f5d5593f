package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Raw records for the chaos suite — valid events, ~5 % exact redeliveries, ~2 % malformed of every
 * kind the contract rejects — and an oracle that prices the valid ones independently of the
 * processor (its own copy of two catalog prices and the contract's formula). Shared by the
 * benchmarks' chaos suite (one JVM) and deploy/'s fault test (a cluster of processes).
 */
public final class ChaosTraffic {

    /** One record as produced to the raw topic; {@code event} is the valid event it carries, null if malformed. */
    public record Raw(String key, byte[] value, UsageEvent event) {}

    /** Catalog prices per million tokens, copied from the contract's catalog, not from the Pricer. */
    private record Price(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {}

    private static final Map<String, Price> PRICES = Map.of(
            "gpt-4o",
                    new Price(
                            new BigDecimal("2.5"), new BigDecimal("10"), new BigDecimal("1.25"), new BigDecimal("2.5")),
            "claude-sonnet-4-5",
                    new Price(
                            new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.3"), new BigDecimal("3.75")));
    private static final BigDecimal MILLION = new BigDecimal(1_000_000);
    public static final int USERS = 10;

    public final List<Raw> records = new ArrayList<>();
    public final Set<String> validIds = new TreeSet<>();
    public int malformed;
    public int duplicates;
    public BigDecimal expectedTotal = BigDecimal.ZERO;
    /** Oracle spend per (user, UTC day start). */
    public final Map<String, BigDecimal> userDaySpend = new HashMap<>();

    public ChaosTraffic(int valid, long seed, Instant base) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Raw> validRecords = new ArrayList<>();
        int made = 0;
        while (made < valid) {
            int roll = random.nextInt(100);
            if (roll < 2) {
                records.add(malformed(random, base));
                malformed++;
            } else if (roll < 7 && !validRecords.isEmpty()) {
                records.add(validRecords.get(random.nextInt(validRecords.size())));
                duplicates++;
            } else {
                Raw r = valid(random, "chaos-" + made, base.plusMillis(made));
                validRecords.add(r);
                records.add(r);
                made++;
            }
        }
    }

    private Raw valid(SplittableRandom random, String id, Instant at) {
        String model = random.nextBoolean() ? "gpt-4o" : "claude-sonnet-4-5";
        long input = 500L + random.nextInt(20_000);
        long cacheRead = random.nextInt(4) == 0 ? input / 3 : 0;
        long cacheWrite = model.startsWith("claude") && random.nextInt(5) == 0 ? input / 4 : 0;
        long output = 10L + random.nextInt(2_000);
        String user = "u" + random.nextInt(USERS);
        // Some names carry non-ASCII text: valid, and must arrive unchanged.
        String agent = random.nextInt(10) == 0 ? "agént-🚀-" + random.nextInt(3) : "agent-" + random.nextInt(5);
        UsageEvent e = UsageEvent.builder()
                .eventId(id)
                .timestamp(at)
                .agent(agent)
                .userId(user)
                .sessionId(user + "-s" + random.nextInt(3))
                .teamId("team-" + random.nextInt(3))
                .provider(model.startsWith("gpt") ? "openai" : "anthropic")
                .model(model)
                .usage(new Usage(input, output, cacheRead, cacheWrite, 0, 0, false))
                .build();
        Price p = PRICES.get(model);
        BigDecimal cost = p.input()
                .multiply(BigDecimal.valueOf(input - cacheRead - cacheWrite))
                .add(p.cacheRead().multiply(BigDecimal.valueOf(cacheRead)))
                .add(p.cacheWrite().multiply(BigDecimal.valueOf(cacheWrite)))
                .add(p.output().multiply(BigDecimal.valueOf(output)))
                .divide(MILLION);
        expectedTotal = expectedTotal.add(cost);
        String day = at.atZone(ZoneOffset.UTC)
                .toLocalDate()
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toString();
        userDaySpend.merge(user + "|" + day, cost, BigDecimal::add);
        validIds.add(id);
        return new Raw(e.sessionId(), ContractJson.toBytes(e), e);
    }

    /** Every kind of bad input the contract names; each must land on the rejected topic. */
    private static Raw malformed(SplittableRandom random, Instant at) {
        String id = "bad-" + random.nextLong();
        String ts = at.toString();
        String json = switch (random.nextInt(8)) {
            case 0 -> "this is not json {";
            case 1 ->
                "{\"schemaVersion\":1,\"eventId\":\"" + id + "\",\"timestamp\":\"" + ts
                        + "\",\"kind\":\"llm\",\"model\":\"gpt-4o\","
                        + "\"usage\":{\"inputTokens\":10,\"outputTokens\":5}}"; // no agent
            case 2 -> event(id, ts, "\"inputTokens\":100,\"outputTokens\":5,\"cacheReadTokens\":500");
            case 3 -> event(id, ts, "\"inputTokens\":-100,\"outputTokens\":5");
            case 4 -> event(id, ts, "\"inputTokens\":\"lots\",\"outputTokens\":5");
            case 5 ->
                "{\"schemaVersion\":1,\"eventId\":\"" + id + "\",\"timestamp\":\"" + ts
                        + "\",\"kind\":\"llm\",\"agent\":\"" + "x".repeat(10_000)
                        + "\",\"model\":\"gpt-4o\",\"usage\":{\"inputTokens\":10,\"outputTokens\":5}}";
            case 6 -> event(id, "2099-01-01T00:00:00Z", "\"inputTokens\":10,\"outputTokens\":5");
            default -> null;
        };
        byte[] bytes = json != null
                ? json.getBytes(StandardCharsets.UTF_8)
                : new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}; // invalid UTF-8
        return new Raw(id, bytes, null);
    }

    private static String event(String id, String ts, String usage) {
        return "{\"schemaVersion\":1,\"eventId\":\"" + id + "\",\"timestamp\":\"" + ts
                + "\",\"kind\":\"llm\",\"agent\":\"a\"," + "\"model\":\"gpt-4o\",\"usage\":{" + usage + "}}";
    }

    /** A day limit the user's spend crosses at 50 % but not at 80 %: a partial threshold set to get exactly right. */
    public BigDecimal limitCrossingHalfOnly(String user) {
        BigDecimal spend = userDaySpend.entrySet().stream()
                .filter(e -> e.getKey().startsWith(user + "|"))
                .map(Map.Entry::getValue)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return spend.multiply(new BigDecimal("1.5")).setScale(2, RoundingMode.DOWN);
    }

    /** The alertIds the budgets must raise: every threshold the oracle's final spend reaches. */
    public Set<String> expectedAlerts(Map<String, BigDecimal> dayLimits) {
        Set<String> ids = new TreeSet<>();
        userDaySpend.forEach((userDay, spend) -> {
            String user = userDay.substring(0, userDay.indexOf('|'));
            Instant day = Instant.parse(userDay.substring(userDay.indexOf('|') + 1));
            BigDecimal limit = dayLimits.get(user);
            if (limit == null) {
                return;
            }
            for (String t : List.of("0.5", "0.8", "1.0")) {
                BigDecimal threshold = new BigDecimal(t);
                if (spend.compareTo(limit.multiply(threshold)) >= 0) {
                    ids.add(BudgetAlert.alertId(Scope.parse("user:" + user), Period.DAY, day, threshold));
                }
            }
        });
        return ids;
    }

    /**
     * The oracle against the sink's tables: one row per valid event, each valid eventId once, the
     * exact total, and exactly {@code expectedAlerts} in the alert table.
     */
    public void assertLedger(Connection c, Set<String> expectedAlerts) throws SQLException {
        try (Statement s = c.createStatement()) {
            ResultSet rs =
                    s.executeQuery("SELECT count(*), count(DISTINCT event_id), sum(total_cost_usd) FROM agent_usage");
            rs.next();
            assertThat(rs.getLong(1)).as("rows").isEqualTo(validIds.size());
            assertThat(rs.getLong(2)).as("distinct eventIds").isEqualTo(validIds.size());
            assertThat(rs.getBigDecimal(3).stripTrailingZeros().toPlainString())
                    .as("sum(total_cost_usd)")
                    .isEqualTo(expectedTotal.stripTrailingZeros().toPlainString());
            assertThat(strings(s, "SELECT event_id FROM agent_usage")).isEqualTo(validIds);
            assertThat(strings(s, "SELECT alert_id FROM budget_alerts")).isEqualTo(expectedAlerts);
        }
    }

    private static Set<String> strings(Statement s, String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
