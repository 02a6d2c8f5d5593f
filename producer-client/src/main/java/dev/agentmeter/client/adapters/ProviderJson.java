package dev.agentmeter.client.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provider payloads as JSON trees, whatever form the caller holds them in: a JSON string, bytes, a
 * Jackson tree, or an official SDK's object. The SDKs are not dependencies of the client; their
 * objects are recognised by shape at run time:
 * <ul>
 *   <li>OpenAI's and Anthropic's Java SDKs (Stainless-generated) serialise with their own
 *       {@code <root>.core.ObjectMappers.jsonMapper()}, which writes the wire JSON, unknown fields
 *       included;</li>
 *   <li>the AWS SDK v2 describes every model object by its {@code sdkFields()}, each with the
 *       wire ({@code locationName}) name, which is walked here.</li>
 * </ul>
 */
final class ProviderJson {

    private static final ObjectMapper MAPPER = ContractJson.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProviderJson() {}

    static JsonNode tree(Object payload) {
        if (payload == null) {
            throw new IllegalArgumentException("no provider JSON given (null)");
        }
        if (payload instanceof JsonNode node) {
            return node;
        }
        try {
            if (payload instanceof CharSequence text) {
                return MAPPER.readTree(text.toString());
            }
            if (payload instanceof byte[] bytes) {
                return MAPPER.readTree(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
        Optional<JsonNode> aws = awsSdkTree(payload);
        if (aws.isPresent()) {
            return aws.get();
        }
        return stainlessMapper(payload).orElse(MAPPER).valueToTree(payload);
    }

    /**
     * A Stainless SDK (com.openai, com.anthropic) object: its own mapper writes the wire JSON. Looked
     * up once per class: a stream feeds hundreds of events of a few classes.
     */
    private static final ClassValue<Optional<ObjectMapper>> STAINLESS = new ClassValue<>() {
        @Override
        protected Optional<ObjectMapper> computeValue(Class<?> type) {
            for (String root : List.of("com.openai", "com.anthropic")) {
                if (type.getName().startsWith(root + ".")) {
                    try {
                        Class<?> mappers = Class.forName(root + ".core.ObjectMappers", true, type.getClassLoader());
                        return Optional.of(
                                (ObjectMapper) mappers.getMethod("jsonMapper").invoke(null));
                    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.empty();
        }
    };

    private static Optional<ObjectMapper> stainlessMapper(Object sdkObject) {
        return STAINLESS.get(sdkObject.getClass());
    }

    /** An AWS SDK v2 model object ({@code SdkPojo}): its fields by their wire names. */
    private static Optional<JsonNode> awsSdkTree(Object payload) {
        Method sdkFields = method(payload.getClass(), "sdkFields");
        if (sdkFields == null || !payload.getClass().getName().startsWith("software.amazon.awssdk.")) {
            return Optional.empty();
        }
        try {
            return Optional.of(awsValue(payload));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    "cannot read AWS SDK object " + payload.getClass().getName() + ": " + e, e);
        }
    }

    private static JsonNode awsValue(Object value) throws ReflectiveOperationException {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence) {
            return MAPPER.valueToTree(value);
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            for (Object item : list) {
                array.add(awsValue(item));
            }
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set(String.valueOf(e.getKey()), awsValue(e.getValue()));
            }
            return object;
        }
        Method sdkFields = method(value.getClass(), "sdkFields");
        if (sdkFields == null) {
            return NODES.textNode(value.toString()); // enums and instants: their wire text
        }
        ObjectNode object = NODES.objectNode();
        for (Object field : (List<?>) sdkFields.invoke(value)) {
            String name = (String) method(field.getClass(), "locationName").invoke(field);
            Object fieldValue =
                    method(field.getClass(), "getValueOrDefault", Object.class).invoke(field, value);
            if (fieldValue != null && !isAwsAutoConstructEmpty(fieldValue)) {
                object.set(name, awsValue(fieldValue));
            }
        }
        return object;
    }

    private static boolean isAwsAutoConstructEmpty(Object value) {
        return value.getClass().getSimpleName().startsWith("DefaultSdkAutoConstruct");
    }

    /** Public methods by name (one overload each is used here), per class, looked up once (AWS SDK objects are walked field by field, event by event). */
    private static final ClassValue<ConcurrentHashMap<String, Optional<Method>>> METHODS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Method>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private static Method method(Class<?> type, String name, Class<?>... params) {
        return METHODS.get(type)
                .computeIfAbsent(name, n -> {
                    try {
                        Method m = type.getMethod(n, params);
                        m.setAccessible(true);
                        return Optional.of(m);
                    } catch (NoSuchMethodException | RuntimeException e) {
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }

    /** The object at {@code field}, or null when absent, JSON null or not an object. */
    static JsonNode object(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isObject() ? v : null;
    }

    static long n(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? 0 : v.asLong();
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** An exact decimal: JSON numbers are read as written (the contract's mapper keeps BigDecimal). */
    static BigDecimal decimal(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isTextual() ? new BigDecimal(v.asText()) : v.decimalValue();
    }

    static boolean hasAny(JsonNode node, String... fields) {
        if (node == null) {
            return false;
        }
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return true;
            }
        }
        return false;
    }
}
