package dev.agentmeter.model.json;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import dev.agentmeter.model.Cost;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.UsageEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one ObjectMapper for the contract: money as decimal strings, instants as ISO-8601 UTC,
 * unknown fields ignored, nulls left out. Thread-safe; share it.
 */
public final class ContractJson {

    private static final ObjectMapper MAPPER = create();
    /** The mapper's JSON per distinct pricing: the same for every event one catalog entry prices. */
    private static final Map<Pricing, byte[]> PRICING_JSON = new ConcurrentHashMap<>();
    /** The field names {@link #pricedBytes} adds, quoted and with their colon. */
    private static final byte[] PRICING_NAME = ascii("\"pricing\":");

    private static final byte[] COST_NAME = ascii("\"cost\":");
    private static final byte[] PRICED_AT_NAME = ascii("\"pricedAt\":");
    private static final byte[] TRUNCATED_FALSE = ascii("\"truncated\":false");
    private static final byte[] TRUNCATED_TRUE = ascii("\"truncated\":true");
    private static final byte[][] COST_FIELDS = {
        ascii("\"inputUsd\":"),
        ascii("\"outputUsd\":"),
        ascii("\"cacheReadUsd\":"),
        ascii("\"cacheWriteUsd\":"),
        ascii("\"totalUsd\":"),
        ascii("\"catalogUsd\":")
    };

    private ContractJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        SimpleModule contract = new SimpleModule("agentmeter-contract");
        contract.addSerializer(PricedUsage.class, new PricedUsageSerializer());
        contract.addDeserializer(PricedUsage.class, new PricedUsageDeserializer());
        contract.addDeserializer(Instant.class, new IsoInstantDeserializer());
        contract.addSerializer(Instant.class, new IsoInstantSerializer());
        contract.addDeserializer(BigDecimal.class, new DecimalDeserializer());
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                // Generated accessors instead of reflection: JSON is most of the processor's per-event work.
                .addModule(new BlackbirdModule())
                .addModule(contract)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // A number like 1.5 for a token count is an error, not 1.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
        // Money travels as a decimal string ("0.0105"), never as a JSON number a reader might parse as double.
        mapper.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
        // A number has the JSON type its field names: a count given as "1000" or a flag as "true" is a
        // wrong type, not a value to coerce (the contract, "rules that hold everywhere").
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Integer,
                            type == LogicalType.Boolean ? CoercionAction.Fail : CoercionAction.TryConvert)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        }
        return mapper;
    }

    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T fromJson(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static <T> T fromBytes(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + type.getSimpleName(), e);
        }
    }

    /**
     * A priced record from the bytes its event arrived as: those bytes unchanged, with
     * the fields {@code "pricing"}, {@code "cost"}, {@code "pricedAt"} and {@code "truncated"} added before the closing brace — the same
     * record {@link PricedUsageSerializer} writes (explicit nulls and field order aside), without
     * writing the event again. {@code eventJson} must be bytes {@link PlainUsageEventReader} read
     * {@code priced.event()} from: one JSON object, nothing after it but whitespace.
     *
     * <p>The added fields are assembled here rather than by a generator (this runs for every priced
     * event): the pricing object is the mapper's JSON, written once per distinct {@link Pricing};
     * the rest is ASCII that needs no escaping — constant names, money as plain decimal strings (as
     * the mapper writes it) and an ISO instant. Tests hold the result byte for byte to the mapper's.
     */
    public static byte[] pricedBytes(byte[] eventJson, PricedUsage priced) {
        int close = eventJson.length - 1;
        while (close > 0 && isWhitespace(eventJson[close])) {
            close--;
        }
        int last = close - 1;
        while (last > 0 && isWhitespace(eventJson[last])) {
            last--;
        }
        if (eventJson[close] != '}' || last < 0) {
            throw new IllegalArgumentException(
                    "not a JSON object: the event bytes must come from PlainUsageEventReader");
        }
        ByteArrayBuilder out = new ByteArrayBuilder(close + 512);
        out.write(eventJson, 0, close);
        boolean first = eventJson[last] == '{';
        if (priced.pricing() != null) {
            first = field(out, first, PRICING_NAME);
            out.write(pricingJson(priced.pricing()));
        }
        Cost cost = priced.cost();
        if (cost != null) {
            first = field(out, first, COST_NAME);
            out.append('{');
            boolean firstMoney = true;
            firstMoney = money(out, firstMoney, COST_FIELDS[0], cost.inputUsd());
            firstMoney = money(out, firstMoney, COST_FIELDS[1], cost.outputUsd());
            firstMoney = money(out, firstMoney, COST_FIELDS[2], cost.cacheReadUsd());
            firstMoney = money(out, firstMoney, COST_FIELDS[3], cost.cacheWriteUsd());
            firstMoney = money(out, firstMoney, COST_FIELDS[4], cost.totalUsd());
            money(out, firstMoney, COST_FIELDS[5], cost.catalogUsd());
            out.append('}');
        }
        if (priced.pricedAt() != null) {
            first = field(out, first, PRICED_AT_NAME);
            out.write(quotedInstant(priced.pricedAt()));
        }
        if (!first) {
            out.append(',');
        }
        out.write(priced.truncated() ? TRUNCATED_TRUE : TRUNCATED_FALSE);
        out.append('}');
        return out.toByteArray();
    }

    /**
     * The last pricedAt written, quoted: the processor stamps the events of a poll loop with the
     * same wall-clock millisecond, so most events reuse the previous one's bytes.
     */
    private record QuotedInstant(Instant instant, byte[] json) {}

    private static volatile QuotedInstant lastPricedAt =
            new QuotedInstant(Instant.EPOCH, ascii("\"" + Instant.EPOCH + "\""));

    /** {@code instant} as an ISO-8601 JSON string; formatting one was a third of {@link #pricedBytes}. */
    private static byte[] quotedInstant(Instant instant) {
        QuotedInstant last = lastPricedAt; // immutable: threads racing here each see a consistent pair
        if (!last.instant().equals(instant)) {
            last = new QuotedInstant(instant, ascii("\"" + instant + "\""));
            lastPricedAt = last;
        }
        return last.json();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a separator unless this is the object's first field, then the quoted name and colon; false. */
    private static boolean field(ByteArrayBuilder out, boolean first, byte[] nameAndColon) {
        if (!first) {
            out.append(',');
        }
        out.write(nameAndColon);
        return false;
    }

    /** Money as the mapper writes it (a plain decimal string), or nothing for null; whether still first. */
    private static boolean money(ByteArrayBuilder out, boolean first, byte[] nameAndColon, BigDecimal value) {
        if (value == null) {
            return first;
        }
        field(out, first, nameAndColon);
        string(out, value.toPlainString());
        return false;
    }

    /** A string of characters that need no escaping (digits, sign, point, ISO instant characters). */
    private static void string(ByteArrayBuilder out, String ascii) {
        out.append('"');
        out.write(ascii.getBytes(StandardCharsets.US_ASCII));
        out.append('"');
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static byte[] pricingJson(Pricing pricing) {
        byte[] json = PRICING_JSON.get(pricing);
        if (json == null) {
            if (PRICING_JSON.size() >= 10_000) {
                PRICING_JSON.clear(); // bounded: catalog entries × providers × tiers are far fewer in practice
            }
            json = toBytes(pricing);
            PRICING_JSON.put(pricing, json);
        }
        return json;
    }

    /**
     * Writes the event's fields and pricing/cost/pricedAt side by side, as the contract shows. Streams
     * the event through its own bean serializer in unwrapping mode (no intermediate tree: this runs
     * once per priced event and was a third of the processor's time when it built one).
     */
    private static final class PricedUsageSerializer extends JsonSerializer<PricedUsage> {
        private volatile JsonSerializer<Object> eventFields;

        @Override
        public void serialize(PricedUsage value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            JsonSerializer<Object> fields = eventFields;
            if (fields == null) {
                fields = serializers.findValueSerializer(UsageEvent.class).unwrappingSerializer(NameTransformer.NOP);
                eventFields = fields;
            }
            gen.writeStartObject(value);
            fields.serialize(value.event(), gen, serializers);
            if (value.pricing() != null) {
                gen.writeFieldName("pricing");
                serializers.defaultSerializeValue(value.pricing(), gen);
            }
            if (value.cost() != null) {
                gen.writeFieldName("cost");
                serializers.defaultSerializeValue(value.cost(), gen);
            }
            if (value.pricedAt() != null) {
                gen.writeStringField("pricedAt", value.pricedAt().toString());
            }
            gen.writeBooleanField("truncated", value.truncated());
            gen.writeEndObject();
        }
    }

    private static final class PricedUsageDeserializer extends JsonDeserializer<PricedUsage> {
        @Override
        public PricedUsage deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ObjectMapper mapper = (ObjectMapper) p.getCodec();
            ObjectNode node = p.readValueAsTree();
            Pricing pricing =
                    node.hasNonNull("pricing") ? mapper.treeToValue(node.get("pricing"), Pricing.class) : null;
            Cost cost = node.hasNonNull("cost") ? mapper.treeToValue(node.get("cost"), Cost.class) : null;
            Instant pricedAt = node.hasNonNull("pricedAt")
                    ? Instant.parse(node.get("pricedAt").asText())
                    : null;
            boolean truncated = node.path("truncated").asBoolean(false);
            node.remove("pricing");
            node.remove("cost");
            node.remove("pricedAt");
            node.remove("truncated");
            return new PricedUsage(mapper.treeToValue(node, UsageEvent.class), pricing, cost, pricedAt, truncated);
        }
    }
}
