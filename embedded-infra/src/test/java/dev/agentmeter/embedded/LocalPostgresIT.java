package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresIT {

    @Test
    void isPostgres17AndKeepsDataAcrossARestart() throws Exception {
        try (LocalPostgres pg = LocalPostgres.temporary().start()) {
            try (Connection c = pg.connect();
                    Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("show server_version_num");
                rs.next();
                assertThat(rs.getInt(1) / 10000).isEqualTo(17);
                s.execute("create table t (id int primary key, cost numeric)");
                s.execute("insert into t values (1, 0.0105)");
            }
            pg.stop();
            pg.start();
            try (Connection c = pg.connect();
                    Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("select cost from t where id = 1");
                rs.next();
                assertThat(rs.getBigDecimal(1).toPlainString()).isEqualTo("0.0105");
            }
        }
    }

    /** Another server on the port (here a bare socket, in CI it was a broker's listener) is named at once. */
    @Test
    void aPortAnotherProcessListensOnIsRefusedBeforeStarting(@TempDir Path data) throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                LocalPostgres pg = LocalPostgres.persistent(data, other.getLocalPort())) {
            assertThatThrownBy(pg::start)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("cannot start embedded PostgreSQL: port " + other.getLocalPort()
                            + " is in use by another process");
            assertThat(pg.isRunning()).isFalse();
        }
    }
}
