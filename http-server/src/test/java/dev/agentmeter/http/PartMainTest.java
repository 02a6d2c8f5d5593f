package dev.agentmeter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartMainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream err() {
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    @Test
    void theFileIsReadAndTheEnvironmentWinsOverIt() throws Exception {
        Path file = Files.writeString(dir.resolve("part.properties"), "http.port=7070\nzone=UTC\n");

        Optional<Map<String, String>> config = PartMain.config(
                "test", new String[] {file.toString()}, Map.of("AGENTMETER_ZONE", "Europe/Berlin"), m -> m, err());

        assertThat(config).hasValue(Map.of("http.port", "7070", "zone", "Europe/Berlin"));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aBadSettingIsOneLineNamingThePart() throws Exception {
        Optional<Object> config = PartMain.config(
                "collector",
                new String[0],
                Map.of("AGENTMETER_ZONE", "Mars/Olympus"),
                m -> {
                    throw new ConfigException("zone", m.get("zone"), "must be a time-zone id such as UTC");
                },
                err());

        assertThat(config).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("agentmeter collector: bad configuration: Invalid value Mars/Olympus for configuration"
                        + " zone: must be a time-zone id such as UTC" + System.lineSeparator());
    }
}
