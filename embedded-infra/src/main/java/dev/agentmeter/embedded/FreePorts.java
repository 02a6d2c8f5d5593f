package dev.agentmeter.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports for servers that must know theirs before they start (a broker's controller, PostgreSQL,
 * the ports {@code up} is given). A port is free when it is handed out, not reserved: the kernel
 * may give it to the next {@code bind(0)}. So that two servers of one JVM never get the same one
 * (seen: a test's PostgreSQL port handed out again as the broker's controller port, and the
 * database did not start), a port is handed out once per JVM.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /** A port free right now on loopback, not handed out before in this JVM. Fixed for the server's lifetime so a restart comes back on it. */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindAny();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port left that this JVM has not handed out already");
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
