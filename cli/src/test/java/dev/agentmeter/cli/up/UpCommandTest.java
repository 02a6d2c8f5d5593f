package dev.agentmeter.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpCommandTest {

    @Test
    void thePsqlHintIsAUriPsqlReads() {
        assertThat(UpCommand.libpq("jdbc:postgresql://localhost:15432/agentmeter?user=agentmeter&password=x"))
                .isEqualTo("postgresql://localhost:15432/agentmeter?user=agentmeter&password=x");
    }
}
