package dev.agentmeter.analytics.reconcile;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One line of a provider's bill: a UTC day, the model as the provider names it (or
 * {@code api:<service>} for per-request charges), the account dimension the export has (OpenAI
 * project, Anthropic workspace, AWS IAM principal; null when absent) and the amount in USD, exact.
 */
public record BilledItem(LocalDate day, String model, String account, BigDecimal usd) {}
