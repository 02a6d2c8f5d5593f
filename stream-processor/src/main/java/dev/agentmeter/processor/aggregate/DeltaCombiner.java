package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import dev.agentmeter.model.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Combines the spend of the events this task prices, per scope and clock hour, and sends one
 * delta per (scope, hour) to the scope's owner every {@code flushInterval} instead of one record
 * per event and scope. The global, team and agent scopes see almost every event, so this turns
 * thousands of by-scope records a second into a handful.
 *
 * <p>Nothing is lost or counted twice: the pending deltas live in a changelogged store
 * ({@code delta-buffer}), so they are committed in the same transaction as the input offsets that
 * produced them, and a flush forwards and deletes them in one transaction too. An hour is the
 * finest window, so all events of one delta fall into the same HOUR, DAY and MONTH windows at the
 * owner. A session's events are only combined while no gap longer than the session inactivity
 * lies between them, so SESSION windows split where they would have split event by event.
 */
public final class DeltaCombiner implements Processor<String, PricedUsage, String, ScopeInput> {

    private final String storeName;
    private final ZoneId zone;
    private final Duration flushInterval;
    private final Duration sessionInactivity;
    private ProcessorContext<String, ScopeInput> context;
    private KeyValueStore<String, SpendDelta> buffer;
    /** The store's content, deserialised: a get per scope and event would otherwise decode bytes. */
    private final Map<String, ScopeInput> pending = new HashMap<>();
    private long hourStart = Long.MAX_VALUE;
    private long hourEnd = Long.MIN_VALUE;
    private String hourText;

    public DeltaCombiner(String storeName, ZoneId zone, Duration flushInterval, Duration sessionInactivity) {
        this.storeName = storeName;
        this.zone = zone;
        this.flushInterval = flushInterval;
        this.sessionInactivity = sessionInactivity;
    }

    @Override
    public void init(ProcessorContext<String, ScopeInput> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        // Restored before init: deltas pending when the last owner of this task stopped. (A task
        // revived after an error is initialised again: start from the store, not from memory.)
        pending.clear();
        try (KeyValueIterator<String, SpendDelta> it = buffer.all()) {
            it.forEachRemaining(kv -> pending.put(kv.key,
                    ScopeInput.spend(Scope.parse(kv.key.substring(0, kv.key.lastIndexOf('|'))), kv.value)));
        }
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, PricedUsage> record) {
        SpendDelta delta = SpendDelta.of(record.value());
        UsageEvent e = record.value().event();
        String hour = hourOf(delta.lastAt());
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

    private void add(String hour, Scope scope, SpendDelta delta) {
        String key = scope + hour;
        ScopeInput current = pending.get(key);
        ScopeInput next;
        if (current == null) {
            next = ScopeInput.spend(scope, delta);
        } else if (scope.type() == ScopeType.SESSION && gapBetween(current.delta(), delta)) {
            // The session may have ended in between: the owner must see the two parts separately, in order.
            send(current);
            next = ScopeInput.spend(scope, delta);
        } else {
            next = ScopeInput.spend(scope, current.delta().plus(delta));
        }
        pending.put(key, next);
        buffer.put(key, next.delta());
    }

    private boolean gapBetween(SpendDelta current, SpendDelta next) {
        return next.lastAt().isAfter(current.lastAt().plus(sessionInactivity))
                || next.firstAt().plus(sessionInactivity).isBefore(current.firstAt());
    }

    /** Sends every pending delta, a scope's earlier hours first (keys end with the hour), and forgets them. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        new TreeMap<>(pending).forEach((key, input) -> {
            send(input);
            buffer.delete(key);
        });
        pending.clear();
    }

    private void send(ScopeInput input) {
        context.forward(new Record<>(input.scope().toString(), input, input.delta().lastAt().toEpochMilli()));
    }

    /**
     * A separator and the hour's start as 16 hex digits of the sign-flipped epoch millis (fixed
     * width, so one scope's keys sort by hour); formatted once per hour, not per event.
     */
    private String hourOf(Instant at) {
        long millis = at.toEpochMilli();
        if (millis < hourStart || millis >= hourEnd) {
            Windows.Window w = Windows.of(Period.HOUR, at, zone);
            hourStart = w.start().toEpochMilli();
            hourEnd = w.end().toEpochMilli();
            hourText = String.format("|%016x", hourStart ^ Long.MIN_VALUE);
        }
        return hourText;
    }
}
