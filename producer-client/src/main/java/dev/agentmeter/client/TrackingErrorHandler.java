package dev.agentmeter.client;

/** Receives the events that could not be tracked. Called on the tracker's background thread. */
@FunctionalInterface
public interface TrackingErrorHandler {

    void onError(TrackingError error);
}
