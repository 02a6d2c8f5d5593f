package dev.agentmeter.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The settings of a deployable part (processor, collector, dashboard), read the same way by each:
 * a properties file, then environment variables {@code AGENTMETER_<KEY>} with dots as underscores
 * ({@code AGENTMETER_BOOTSTRAP_SERVERS} for {@code bootstrap.servers}), which win, as a container
 * platform sets them.
 */
public final class PartSettings {

    private PartSettings() {}

    /**
     * A part's settings: the file's, then each {@code AGENTMETER_X_Y} variable of the environment as {@code x.y} over them.
     *
     * @param file a properties file, or null for the environment alone
     */
    public static Map<String, String> load(Path file, Map<String, String> env) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("AGENTMETER_")) {
                out.put(
                        k.substring("AGENTMETER_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        v);
            }
        });
        return out;
    }
}
