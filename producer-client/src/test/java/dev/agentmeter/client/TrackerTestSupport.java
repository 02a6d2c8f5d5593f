package dev.agentmeter.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

final class TrackerTestSupport {

    private TrackerTestSupport() {}

    /** An address where nothing listens: Kafka is "unreachable" for real, no mock involved. */
    static String deadBootstrap() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "localhost:" + s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds; fails with {@code what} when the deadline passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(10_000_000);
        }
    }

    static final class CollectingHandler implements TrackingErrorHandler {
        final List<TrackingError> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onError(TrackingError error) {
            errors.add(error);
        }
    }
}
