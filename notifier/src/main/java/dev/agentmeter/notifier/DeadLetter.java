package dev.agentmeter.notifier;

import dev.agentmeter.model.BudgetAlert;
import java.time.Instant;

/**
 * A record of the dead-letter topic (key = alertId): an alert one target did not take after every
 * attempt, which target, why, and when. {@code agentmeter notify replay} sends it to that target again.
 */
public record DeadLetter(BudgetAlert alert, String target, String reason, int attempts, Instant failedAt) {}
