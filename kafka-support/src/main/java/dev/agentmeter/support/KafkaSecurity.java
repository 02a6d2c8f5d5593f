package dev.agentmeter.support;

import java.util.HashMap;
import java.util.Map;

/** The connection-security part of a Kafka client override map, for the extra clients (admin, seeding) a part creates. */
public final class KafkaSecurity {

    private KafkaSecurity() {}

    /** The {@code security.*}, {@code sasl.*} and {@code ssl.*} entries of {@code overrides}. */
    public static Map<String, Object> settings(Map<String, ?> overrides) {
        Map<String, Object> out = new HashMap<>();
        overrides.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
