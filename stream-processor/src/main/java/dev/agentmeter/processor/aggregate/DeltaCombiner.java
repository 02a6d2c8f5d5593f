package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.CalendarWindow;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Combines the spend of the events this task prices, per scope and clock hour, and sends one
 * delta per (scope, hour) to the scope's owner on every commit and, between commits, every
 * {@code flushInterval} ({@link CommitFlush}), in one by-scope record per owning partition,
 * instead of one record per event and scope. The global, team and agent scopes see almost every
 * event, so this turns thousands of by-scope records a second into a few.
 *
 * <p>Nothing is lost or counted twice: the pending deltas live only in memory, and every commit
 * of the task sends them first ({@link CommitFlush}), inside the transaction that commits the input
 * offsets they came from. A crash aborts that transaction, and the replayed input fills an empty
 * buffer again. An hour is the finest window, so all events of one delta fall into the same HOUR,
 * DAY and MONTH windows at the owner. A session's events are only combined while no gap longer
 * than the session inactivity lies between them, so SESSION windows split where they would have
 * split event by event.
 */
public final class DeltaCombiner implements Processor<String, PricedUsage, String, List<ScopeInput>> {

    /**
     * At most this many deltas travel in one by-scope record (~100 bytes each): far below a
     * record's size limit however many scopes a flush holds.
     */
    static final int MAX_BATCH = 2000;

    /** The order an event's scopes are added in, and sent in within one hour. */
    private static final ScopeType[] SCOPES = {
        ScopeType.GLOBAL, ScopeType.AGENT, ScopeType.TEAM, ScopeType.USER, ScopeType.SESSION
    };

    /**
     * One scope's pending spend in one hour, added to in place: one object per scope rather than
     * new ones per event, and the fields an event touches sit in it instead of behind references
     * (with thousands of pending scopes, those lookups are cache misses).
     */
    private static final class Pending {
        final Scope scope;
        String lastEventId;
        long firstSecond;
        int firstNano;
        long lastSecond;
        int lastNano;
        BigDecimal costUsd;
        long events;
        long inputTokens;
        long outputTokens;
        long cacheReadTokens;
        long cacheWriteTokens;
        long reasoningTokens;
        long errors;
        /**
         * For a session's pending delta: those of the global, agent, team and user scopes its last
         * event went to in the same hour. The next event of the session nearly always goes to the
         * same ones, and then needs one map lookup instead of five.
         */
        Pending global;

        Pending agent;
        Pending team;
        Pending user;

        Pending(Scope scope, SpendDelta d) {
            this.scope = scope;
            this.lastEventId = d.lastEventId();
            Instant first = d.firstAt();
            Instant last = d.lastAt();
            this.firstSecond = first.getEpochSecond();
            this.firstNano = first.getNano();
            this.lastSecond = last.getEpochSecond();
            this.lastNano = last.getNano();
            this.costUsd = d.costUsd();
            addCounts(d);
        }

        /** Sums, the wider time span, the added event's id (the cost sum is exact, normalised at the owner). */
        void add(SpendDelta d) {
            lastEventId = d.lastEventId();
            Instant first = d.firstAt();
            Instant last = d.lastAt();
            long second = first.getEpochSecond();
            int nano = first.getNano();
            if (second < firstSecond || (second == firstSecond && nano < firstNano)) {
                firstSecond = second;
                firstNano = nano;
            }
            second = last.getEpochSecond();
            nano = last.getNano();
            if (second > lastSecond || (second == lastSecond && nano > lastNano)) {
                lastSecond = second;
                lastNano = nano;
            }
            costUsd = costUsd.add(d.costUsd());
            addCounts(d);
        }

        private void addCounts(SpendDelta d) {
            events += d.events();
            inputTokens += d.inputTokens();
            outputTokens += d.outputTokens();
            cacheReadTokens += d.cacheReadTokens();
            cacheWriteTokens += d.cacheWriteTokens();
            reasoningTokens += d.reasoningTokens();
            errors += d.errors();
        }

        /** Whether the event belongs to the scopes remembered for this session (none remembered: no). */
        boolean sameScopes(UsageEvent e) {
            return global != null
                    && agent.scope.id().equals(e.agent())
                    && (team == null ? e.teamId() == null : team.scope.id().equals(e.teamId()))
                    && (user == null ? e.userId() == null : user.scope.id().equals(e.userId()));
        }

        ScopeInput.Spend toInput() {
            return ScopeInput.spend(
                    scope,
                    new SpendDelta(
                            lastEventId,
                            Instant.ofEpochSecond(firstSecond, firstNano),
                            Instant.ofEpochSecond(lastSecond, lastNano),
                            costUsd,
                            events,
                            inputTokens,
                            outputTokens,
                            cacheReadTokens,
                            cacheWriteTokens,
                            reasoningTokens,
                            errors));
        }
    }

    /** The pending deltas of one clock hour: per scope type, by scope id (an EnumMap: an array by the type's ordinal, one lookup per event and scope). */
    private static final class Hour {
        private final Map<ScopeType, Map<String, Pending>> byType = new EnumMap<>(ScopeType.class);

        Hour() {
            for (ScopeType type : SCOPES) {
                byType.put(type, new LinkedHashMap<>());
            }
        }

        Map<String, Pending> of(ScopeType type) {
            return byType.get(type);
        }
    }

    private final String hookName;
    private final int partitions;
    private final ZoneId zone;
    private final Duration flushInterval;
    private final Duration sessionInactivity;
    private ProcessorContext<String, List<ScopeInput>> context;
    /** By the hour's start (epoch millis), so a flush sends a scope's earlier hours first. */
    private final TreeMap<Long, Hour> pending = new TreeMap<>();
    /** The hour the last event fell into, and its pending deltas: nearly every event falls there too. */
    private long hourStart = Long.MAX_VALUE;

    private long hourEnd = Long.MIN_VALUE;
    private Hour hour;

    /** @param partitions the by-scope topic's partition count: deltas travel in one batch per partition */
    public DeltaCombiner(
            String hookName, int partitions, ZoneId zone, Duration flushInterval, Duration sessionInactivity) {
        this.hookName = hookName;
        this.partitions = partitions;
        this.zone = zone;
        this.flushInterval = flushInterval;
        this.sessionInactivity = sessionInactivity;
    }

    @Override
    public void init(ProcessorContext<String, List<ScopeInput>> context) {
        this.context = context;
        // A task revived after an error is initialised again: whatever it held was never committed.
        pending.clear();
        hour = null;
        CommitFlush.schedule(context, hookName, flushInterval, this::flush);
    }

    @Override
    public void process(Record<String, PricedUsage> record) {
        SpendDelta delta = SpendDelta.of(record.value());
        UsageEvent e = record.value().event();
        Hour current = hourOf(delta.lastAt());
        Pending session = e.sessionId() == null ? null : add(current, ScopeType.SESSION, e.sessionId(), delta);
        if (session != null && session.sameScopes(e)) {
            session.global.add(delta);
            session.agent.add(delta);
            if (session.team != null) {
                session.team.add(delta);
            }
            if (session.user != null) {
                session.user.add(delta);
            }
            return;
        }
        Pending global = add(current, ScopeType.GLOBAL, Scope.GLOBAL.id(), delta);
        Pending agent = add(current, ScopeType.AGENT, e.agent(), delta);
        Pending team = e.teamId() == null ? null : add(current, ScopeType.TEAM, e.teamId(), delta);
        Pending user = e.userId() == null ? null : add(current, ScopeType.USER, e.userId(), delta);
        if (session != null) {
            session.global = global;
            session.agent = agent;
            session.team = team;
            session.user = user;
        }
    }

    /** Adds to the pending delta of the scope (one map lookup) and returns the pending delta that now holds it. */
    private Pending add(Hour hour, ScopeType type, String id, SpendDelta delta) {
        Map<String, Pending> scopes = hour.of(type);
        Pending acc = scopes.get(id);
        if (acc == null) {
            Scope scope = type == ScopeType.GLOBAL ? Scope.GLOBAL : Scope.of(type, id);
            acc = new Pending(scope, delta);
            scopes.put(id, acc);
        } else if (type == ScopeType.SESSION && gapBetween(acc, delta)) {
            // The session may have ended in between: the owner must see the two parts separately, in order.
            send(List.of(acc.toInput()));
            acc = new Pending(acc.scope, delta);
            scopes.put(id, acc);
        } else {
            acc.add(delta);
        }
        return acc;
    }

    private boolean gapBetween(Pending current, SpendDelta next) {
        return next.lastAt()
                        .isAfter(Instant.ofEpochSecond(current.lastSecond, current.lastNano)
                                .plus(sessionInactivity))
                || next.firstAt()
                        .plus(sessionInactivity)
                        .isBefore(Instant.ofEpochSecond(current.firstSecond, current.firstNano));
    }

    /**
     * Sends every pending delta, one batch per owning partition (a record per scope cost more in
     * producing and consuming than everything else the aggregation does), earlier hours first within
     * a batch so a scope's hours arrive in order, and forgets them.
     */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<List<ScopeInput>> batches = new ArrayList<>(Collections.nCopies(partitions, null));
        for (Hour pendingHour : pending.values()) {
            for (ScopeType type : SCOPES) {
                for (Pending acc : pendingHour.of(type).values()) {
                    ScopeInput input = acc.toInput();
                    int p = ScopePartitioner.of(input.scope().toString(), partitions);
                    if (batches.get(p) == null) {
                        batches.set(p, new ArrayList<>());
                    }
                    batches.get(p).add(input);
                    if (batches.get(p).size() == MAX_BATCH) {
                        send(batches.get(p));
                        batches.set(p, null);
                    }
                }
            }
        }
        for (List<ScopeInput> batch : batches) {
            if (batch != null) {
                send(batch);
            }
        }
        pending.clear();
        hour = null;
    }

    /**
     * Keyed by its first scope, at its earliest delta's time (the owner moves stream time on per
     * delta), but never later than the wall clock: a broker refuses records from the future.
     */
    private void send(List<ScopeInput> batch) {
        long earliest = context.currentSystemTimeMs();
        for (ScopeInput input : batch) {
            earliest = Math.min(
                    earliest,
                    ((ScopeInput.Spend) input).delta().lastAt().toEpochMilli()); // the combiner sends spend only
        }
        context.forward(new Record<>(batch.get(0).scope().toString(), batch, earliest));
    }

    /** The pending deltas of the clock hour (in the zone) that holds {@code at}; the window is computed once per hour. */
    private Hour hourOf(Instant at) {
        long millis = at.toEpochMilli();
        if (hour == null || millis < hourStart || millis >= hourEnd) {
            CalendarWindow w = CalendarWindow.of(Period.HOUR, at, zone);
            hourStart = w.start().toEpochMilli();
            hourEnd = w.end().toEpochMilli();
            hour = pending.computeIfAbsent(hourStart, h -> new Hour());
        }
        return hour;
    }
}
