package dev.agentmeter.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw usage event on {@code agentmeter.usage.raw} ({@code schemaVersion} 1). Field names are the
 * contract's. {@code schemaVersion} and {@code timestamp} are boxed so that a missing value can be
 * reported by the validator instead of silently becoming a default. {@code truncated} is true when
 * a sender cut the event's text ({@code FreeText}), so that the priced record can say so; absent
 * (null) otherwise. Attributes with a null key or value are left out: nothing can be stored for them.
 * {@code serviceTier}: the tier the provider says it served the request at (absent: standard); see
 * {@link ServiceTiers}.
 */
public record UsageEvent(
        Integer schemaVersion,
        String eventId,
        Instant timestamp,
        String kind,
        String agent,
        String userId,
        String sessionId,
        String teamId,
        List<String> handoffChain,
        String provider,
        String model,
        String region,
        Usage usage,
        BigDecimal providerCostUsd,
        String serviceTier,
        Task task,
        Call call,
        ApiCall api,
        Map<String, String> attributes,
        Boolean truncated) {

    public static final int SCHEMA_VERSION = 1;
    public static final String KIND_LLM = "llm";
    public static final String KIND_API = "api";

    public UsageEvent {
        handoffChain = handoffChain == null ? null : List.copyOf(handoffChain);
        attributes = attributes == null ? null : withoutNulls(attributes);
    }

    private static Map<String, String> withoutNulls(Map<String, String> attributes) {
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey() == null || a.getValue() == null) {
                Map<String, String> kept = new HashMap<>();
                attributes.forEach((k, v) -> {
                    if (k != null && v != null) {
                        kept.put(k, v);
                    }
                });
                return Map.copyOf(kept);
            }
        }
        return Map.copyOf(attributes);
    }

    @JsonIgnore
    public boolean isLlm() {
        return KIND_LLM.equals(kind);
    }

    @JsonIgnore
    public boolean isApi() {
        return KIND_API.equals(kind);
    }

    /**
     * The Kafka record key: the eventId, one of the two keys the contract allows. The processor
     * de-duplicates each event on the raw partition its eventId hashes to, so an event keyed this
     * way is handled where it lands; one keyed by its sessionId takes a repartition detour first.
     */
    public String recordKey() {
        return eventId;
    }

    /** The tier the event was served at, as the contract names it: {@code standard} when absent. */
    @JsonIgnore
    public String servedTier() {
        return serviceTier == null ? ServiceTiers.STANDARD : serviceTier;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Many fields are optional; the builder keeps call sites readable. */
    public static final class Builder {
        private Integer schemaVersion = SCHEMA_VERSION;
        private String eventId;
        private Instant timestamp;
        private String kind = KIND_LLM;
        private String agent;
        private String userId;
        private String sessionId;
        private String teamId;
        private List<String> handoffChain;
        private String provider;
        private String model;
        private String region;
        private Usage usage;
        private BigDecimal providerCostUsd;
        private String serviceTier;
        private Task task;
        private Call call;
        private ApiCall api;
        private Map<String, String> attributes;
        private Boolean truncated;

        private Builder() {}

        private Builder(UsageEvent e) {
            schemaVersion = e.schemaVersion;
            eventId = e.eventId;
            timestamp = e.timestamp;
            kind = e.kind;
            agent = e.agent;
            userId = e.userId;
            sessionId = e.sessionId;
            teamId = e.teamId;
            handoffChain = e.handoffChain;
            provider = e.provider;
            model = e.model;
            region = e.region;
            usage = e.usage;
            providerCostUsd = e.providerCostUsd;
            serviceTier = e.serviceTier;
            task = e.task;
            call = e.call;
            api = e.api;
            attributes = e.attributes;
            truncated = e.truncated;
        }

        public Builder schemaVersion(Integer v) {
            schemaVersion = v;
            return this;
        }

        public Builder eventId(String v) {
            eventId = v;
            return this;
        }

        public Builder timestamp(Instant v) {
            timestamp = v;
            return this;
        }

        public Builder kind(String v) {
            kind = v;
            return this;
        }

        public Builder agent(String v) {
            agent = v;
            return this;
        }

        public Builder userId(String v) {
            userId = v;
            return this;
        }

        public Builder sessionId(String v) {
            sessionId = v;
            return this;
        }

        public Builder teamId(String v) {
            teamId = v;
            return this;
        }

        public Builder handoffChain(List<String> v) {
            handoffChain = v;
            return this;
        }

        public Builder provider(String v) {
            provider = v;
            return this;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder region(String v) {
            region = v;
            return this;
        }

        public Builder usage(Usage v) {
            usage = v;
            return this;
        }

        public Builder providerCostUsd(BigDecimal v) {
            providerCostUsd = v;
            return this;
        }

        public Builder serviceTier(String v) {
            serviceTier = v;
            return this;
        }

        public Builder task(Task v) {
            task = v;
            return this;
        }

        public Builder call(Call v) {
            call = v;
            return this;
        }

        public Builder api(ApiCall v) {
            api = v;
            return this;
        }

        public Builder attributes(Map<String, String> v) {
            attributes = v;
            return this;
        }

        public Builder truncated(Boolean v) {
            truncated = v;
            return this;
        }

        public UsageEvent build() {
            return new UsageEvent(
                    schemaVersion,
                    eventId,
                    timestamp,
                    kind,
                    agent,
                    userId,
                    sessionId,
                    teamId,
                    handoffChain,
                    provider,
                    model,
                    region,
                    usage,
                    providerCostUsd,
                    serviceTier,
                    task,
                    call,
                    api,
                    attributes,
                    truncated);
        }
    }
}
