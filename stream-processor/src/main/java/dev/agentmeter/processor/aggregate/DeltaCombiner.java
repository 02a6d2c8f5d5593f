package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Combines the spend of the events this task prices, per scope and clock hour, and sends one
 * delta per (scope, hour) to the scope's owner every {@code flushInterval} instead of one record
 * per event and scope. The global, team and agent scopes see almost every event, so this turns
 * thousands of by-scope records a second into a handful.
 *
 * <p>Nothing is lost or counted twice: the pending deltas live only in memory, and every commit
 * of the task sends them first ({@link CommitHook}), inside the transaction that commits the input
 * offsets they came from. A crash aborts that transaction, and the replayed input fills an empty
 * buffer again. An hour is the finest window, so all events of one delta fall into the same HOUR,
 * DAY and MONTH windows at the owner. A session's events are only combined while no gap longer
 * than the session inactivity lies between them, so SESSION windows split where they would have
 * split event by event.
 */
public final class DeltaCombiner implements Processor<String, PricedUsage, String, ScopeInput> {

    /** A scope and the start of a clock hour (epoch millis): what one pending delta covers. */
    private record Slot(Scope scope, long hourStart) {
    }

    private static final Comparator<Map.Entry<Slot, ScopeInput>> EARLIER_HOURS_FIRST =
            Comparator.comparingLong(e -> e.getKey().hourStart());

    private final String hookName;
    private final ZoneId zone;
    private final Duration flushInterval;
    private final Duration sessionInactivity;
    private ProcessorContext<String, ScopeInput> context;
    private final Map<Slot, ScopeInput> pending = new LinkedHashMap<>();
    private long hourStart = Long.MAX_VALUE;
    private long hourEnd = Long.MIN_VALUE;

    public DeltaCombiner(String hookName, ZoneId zone, Duration flushInterval, Duration sessionInactivity) {
        this.hookName = hookName;
        this.zone = zone;
        this.flushInterval = flushInterval;
        this.sessionInactivity = sessionInactivity;
    }

    @Override
    public void init(ProcessorContext<String, ScopeInput> context) {
        this.context = context;
        // A task revived after an error is initialised again: whatever it held was never committed.
        pending.clear();
        CommitHook hook = context.getStateStore(hookName);
        hook.onCommit(context, this::flush);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, PricedUsage> record) {
        SpendDelta delta = SpendDelta.of(record.value());
        UsageEvent e = record.value().event();
        long hour = hourOf(delta.lastAt());
        add(hour, Scope.GLOBAL, delta);
        add(hour, Scope.of(ScopeType.AGENT, e.agent()), delta);
        if (e.teamId() != null) {
            add(hour, Scope.of(ScopeType.TEAM, e.teamId()), delta);
        }
        if (e.userId() != null) {
            add(hour, Scope.of(ScopeType.USER, e.userId()), delta);
        }
        if (e.sessionId() != null) {
            add(hour, Scope.of(ScopeType.SESSION, e.sessionId()), delta);
        }
    }

    private void add(long hour, Scope scope, SpendDelta delta) {
        Slot slot = new Slot(scope, hour);
        ScopeInput current = pending.get(slot);
        if (current == null) {
            pending.put(slot, ScopeInput.spend(scope, delta));
        } else if (scope.type() == ScopeType.SESSION && gapBetween(current.delta(), delta)) {
            // The session may have ended in between: the owner must see the two parts separately, in order.
            send(current);
            pending.put(slot, ScopeInput.spend(scope, delta));
        } else {
            pending.put(slot, ScopeInput.spend(scope, current.delta().plus(delta)));
        }
    }

    private boolean gapBetween(SpendDelta current, SpendDelta next) {
        return next.lastAt().isAfter(current.lastAt().plus(sessionInactivity))
                || next.firstAt().plus(sessionInactivity).isBefore(current.firstAt());
    }

    /** Sends every pending delta, earlier hours first (so a scope's hours arrive in order), and forgets them. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<Slot, ScopeInput>> slots = new ArrayList<>(pending.entrySet());
        slots.sort(EARLIER_HOURS_FIRST);
        for (Map.Entry<Slot, ScopeInput> slot : slots) {
            send(slot.getValue());
        }
        pending.clear();
    }

    private void send(ScopeInput input) {
        context.forward(new Record<>(input.scope().toString(), input, input.delta().lastAt().toEpochMilli()));
    }

    /** The start of the clock hour (in the zone) that holds {@code at}; computed once per hour, not per event. */
    private long hourOf(Instant at) {
        long millis = at.toEpochMilli();
        if (millis < hourStart || millis >= hourEnd) {
            Windows.Window w = Windows.of(Period.HOUR, at, zone);
            hourStart = w.start().toEpochMilli();
            hourEnd = w.end().toEpochMilli();
        }
        return hourStart;
    }
}
