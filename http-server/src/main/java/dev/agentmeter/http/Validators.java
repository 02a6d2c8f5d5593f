package dev.agentmeter.http;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The config validators every part's config class shares (processor, collector, dashboard,
 * notifier): one wording for one rule, wherever the key is.
 */
public final class Validators {

    private Validators() {}

    /** An ISO-8601 duration of zero or more. */
    public static ConfigDef.Validator nonNegativeDuration() {
        return (name, value) -> {
            if (parse(name, value).isNegative()) {
                throw new ConfigException(name, value, "must not be negative");
            }
        };
    }

    /** An ISO-8601 duration of more than zero. */
    public static ConfigDef.Validator positiveDuration() {
        return (name, value) -> {
            Duration d = parse(name, value);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(name, value, "must be positive");
            }
        };
    }

    /** A time-zone id such as UTC or Europe/Berlin. */
    public static ConfigDef.Validator zoneId() {
        return (name, value) -> {
            try {
                ZoneId.of((String) value);
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, "must be a time-zone id such as UTC or Europe/Berlin");
            }
        };
    }

    private static Duration parse(String name, Object value) {
        try {
            return Duration.parse((String) value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new ConfigException(name, value, "must be an ISO-8601 duration such as PT1H or P7D");
        }
    }
}
