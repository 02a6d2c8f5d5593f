package dev.agentmeter.collector.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OTLP/HTTP's binary encoding ({@code application/x-protobuf}) of trace exports and their answers. */
public final class OtlpProtobuf {

    public static final String CONTENT_TYPE = "application/x-protobuf";
    private static final HexFormat HEX = HexFormat.of();

    private OtlpProtobuf() {}

    /** The spans of an {@code ExportTraceServiceRequest}; fails with a sentence when the bytes are not one. */
    public static List<OtlpSpan> decode(byte[] body) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(
                    "the body is not a protobuf-encoded OTLP ExportTraceServiceRequest: " + e.getMessage());
        }
        if (request.getResourceSpansCount() == 0
                && !request.getUnknownFields().asMap().isEmpty()) {
            throw new IllegalArgumentException("the body is protobuf but not an OTLP ExportTraceServiceRequest"
                    + " (no resource spans, unknown fields "
                    + request.getUnknownFields().asMap().keySet() + ")");
        }
        List<OtlpSpan> spans = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    spans.add(new OtlpSpan(
                            resource,
                            hex(s.getTraceId()),
                            hex(s.getSpanId()),
                            hex(s.getParentSpanId()),
                            s.getName(),
                            s.getStartTimeUnixNano(),
                            s.getEndTimeUnixNano(),
                            attributes(s.getAttributesList()),
                            s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR,
                            s.getStatus().getMessage()));
                }
            }
        }
        return spans;
    }

    /** The answer: empty on full success, else a partial success naming how many spans were rejected and why. */
    public static byte[] response(long rejectedSpans, String errorMessage) {
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (rejectedSpans > 0 || !errorMessage.isEmpty()) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(rejectedSpans)
                    .setErrorMessage(errorMessage));
        }
        return response.build().toByteArray();
    }

    /**
     * A {@code google.rpc.Status} (code 1, message 2): what OTLP/HTTP asks 4xx and 5xx answers to
     * carry. Written by hand: the one message of googleapis' protos needed here.
     */
    public static byte[] status(int code, String message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory: does not happen
        }
    }

    private static String hex(ByteString id) {
        return id.isEmpty() ? "" : HEX.formatHex(id.toByteArray());
    }

    static Map<String, Object> attributes(List<KeyValue> attributes) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            Object value = value(kv.getValue());
            if (value != null) {
                out.put(kv.getKey(), value);
            }
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE ->
                v.getArrayValue().getValuesList().stream()
                        .map(OtlpProtobuf::value)
                        .toList();
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            case BYTES_VALUE -> HEX.formatHex(v.getBytesValue().toByteArray());
            default -> null;
        };
    }
}
