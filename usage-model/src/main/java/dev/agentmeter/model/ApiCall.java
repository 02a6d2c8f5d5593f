package dev.agentmeter.model;

import java.math.BigDecimal;

/** A non-LLM call ({@code kind: "api"}): a search API, a web fetch; {@code costUsd} is what it cost. */
public record ApiCall(String service, String endpoint, Integer statusCode, BigDecimal costUsd) {}
