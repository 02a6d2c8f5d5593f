package dev.agentmeter.model.hostile;

import java.util.Map;
import java.util.TreeMap;

/** What each hostile class did at one entrance: accepted, rejected, and anything else that happened (errors). */
public final class HostileOutcomes {

    private final String entrance;
    private final long seed;
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();

    public HostileOutcomes(String entrance, long seed) {
        this.entrance = entrance;
        this.seed = seed;
    }

    public synchronized void count(HostileDocuments.Document d, String outcome) {
        counts.computeIfAbsent(d.hostileClass(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    public synchronized int count(String hostileClass, String outcome) {
        return counts.getOrDefault(hostileClass, Map.of()).getOrDefault(outcome, 0);
    }

    /** One line per class, for the test log and the PERFORMANCE/issue notes. */
    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder("hostile input at the " + entrance + " (seed " + seed + ", -D"
                + HostileDocuments.SEED_PROPERTY + "=" + seed + " repeats it):");
        counts.forEach((k, v) ->
                b.append("\n  ").append(String.format("%-15s", k)).append(' ').append(v));
        return b.toString();
    }
}
