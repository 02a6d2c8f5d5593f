package dev.agentmeter.notifier;

import dev.agentmeter.model.BudgetAlert;
import java.time.Duration;

/** Where an alert goes: Alertmanager, or one webhook rule. */
interface Target {

    /** How the target is named in metrics, logs and dead letters ({@code alertmanager}, {@code webhook:team:support}). */
    String name();

    Outcome send(BudgetAlert alert);

    /** One attempt's result: delivered, worth another try (after {@code retryAfter} when the target said so), or refused for good. */
    record Outcome(Kind kind, String reason, Duration retryAfter) {
        enum Kind {
            DELIVERED,
            RETRY,
            REFUSED
        }

        static final Outcome DELIVERED = new Outcome(Kind.DELIVERED, null, null);

        static Outcome retry(String reason, Duration after) {
            return new Outcome(Kind.RETRY, reason, after);
        }

        static Outcome refused(String reason) {
            return new Outcome(Kind.REFUSED, reason, null);
        }

        /** 2xx delivered; 408, 425, 429 and 5xx worth a retry; any other status refused. */
        static Outcome ofStatus(int status, String target, Duration retryAfter) {
            if (status >= 200 && status < 300) {
                return DELIVERED;
            }
            String reason = target + " answered HTTP " + status;
            return status == 408 || status == 425 || status == 429 || status >= 500
                    ? retry(reason, retryAfter)
                    : refused(reason);
        }
    }
}
