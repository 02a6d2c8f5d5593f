package dev.agentmeter.model;

/** What the agent was doing when it made the call; {@code description} is redacted by the client. */
public record Task(String type, String complexity, String description) {

    public Task withDescription(String value) {
        return new Task(type, complexity, value);
    }
}
