package dev.agentmeter.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** How the call went; {@code errorMessage} is redacted by the client. */
public record Call(
        String method, String finishReason, Long durationMs, String status, String errorMessage, Long promptChars) {

    public static final String STATUS_SUCCESS = "success";
    public static final String STATUS_ERROR = "error";

    public Call withErrorMessage(String value) {
        return new Call(method, finishReason, durationMs, status, value, promptChars);
    }

    @JsonIgnore
    public boolean isError() {
        return STATUS_ERROR.equalsIgnoreCase(status);
    }
}
