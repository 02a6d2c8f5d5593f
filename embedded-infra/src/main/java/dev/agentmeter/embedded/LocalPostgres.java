package dev.agentmeter.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries) started as a child process of this JVM.
 * Port and data directory stay fixed for the object's life, so {@link #stop()} and {@link #start()}
 * simulate a database outage with the data intact.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDir, boolean ownsDataDir, int port) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
    }

    /** A server on a free port with a temporary data directory (deleted by close); call start(). */
    public static LocalPostgres temporary() {
        return new LocalPostgres(Dirs.temp("agentmeter-pg-"), true, FreePorts.next());
    }

    /** A server whose data lives in {@code dataDir} and survives the process (the local mode). */
    public static LocalPostgres persistent(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        return new LocalPostgres(dataDir, false, port);
    }

    public int port() {
        return port;
    }

    /** A JDBC URL with the user in it, usable as it is by the sink and by tests. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?user=" + USER;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    public boolean isRunning() {
        return server != null;
    }

    public synchronized LocalPostgres start() {
        if (server != null) {
            return this;
        }
        requireFree(port);
        long t0 = System.nanoTime();
        try {
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    // The readiness probe's connections: without a read timeout a probe that reached another
                    // server on the port (a Kafka listener answers nothing) waits until that server drops it.
                    .setConnectConfig("connectTimeout", "5")
                    .setConnectConfig("socketTimeout", "5")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port, e);
        }
        log.info(
                "Embedded PostgreSQL up at {} in {} ms (data in {})",
                jdbcUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                dataDir);
        return this;
    }

    /**
     * Fails at once when another process listens on {@code port}: PostgreSQL would refuse to start,
     * and the start would otherwise end only when its probe gives up on the other server.
     */
    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // a port this server left in TIME_WAIT is free to take again
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start embedded PostgreSQL: port " + port + " is in use by another process", e);
        }
    }

    /** Stops the server, keeping its data; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        } finally {
            server = null;
        }
        log.info("Embedded PostgreSQL on port {} stopped", port);
    }

    @Override
    public synchronized void close() {
        stop();
        if (ownsDataDir) {
            Dirs.deleteRecursively(dataDir);
        }
    }
}
