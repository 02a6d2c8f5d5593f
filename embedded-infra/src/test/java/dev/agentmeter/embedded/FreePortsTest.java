package dev.agentmeter.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPortIsHandedOutOncePerJvm() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            assertThat(seen.add(FreePorts.next()))
                    .as("port %d handed out twice", i)
                    .isTrue();
        }
    }
}
