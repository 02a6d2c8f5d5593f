package dev.agentmeter.client;

import dev.agentmeter.model.UsageEvent;
import java.util.concurrent.CompletableFuture;

/**
 * An event on its way from {@code track()} to Kafka or the spool, with the future that waits for
 * its {@link Durability} ({@code null} for the fire-and-forget {@code track()}).
 */
record Tracked(UsageEvent event, CompletableFuture<Durability> done) {

    void resolve(Durability.Outcome outcome, String reason) {
        if (done != null) {
            done.complete(new Durability(event == null ? null : event.eventId(), outcome, reason));
        }
    }
}
