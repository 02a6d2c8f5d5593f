package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

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
}
