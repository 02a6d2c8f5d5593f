package dev.agentmeter.processor.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.agentmeter.model.Topics;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.validation.UsageEventParser;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Parses and validates raw bytes with the shared parser, which first cuts what arrives uncut (free
 * text is never a reason to reject). Valid events continue keyed by eventId and marked with whether
 * they arrived on their {@link HomePartition} (of {@code rawPartitions}); anything else continues as
 * its original bytes with the contract's error headers, for the rejected topic.
 *
 * <p>A valid event's record time is its own timestamp (windows and lateness follow event time), but
 * never later than the wall clock: the validator accepts clocks up to {@code max.future.skew} ahead
 * (a day by default), while a broker refuses records more than {@code log.message.timestamp.after.max.ms}
 * ahead (an hour by default), and every record derived from the event (priced record, changelog,
 * repartition) carries its time. Such an event still counts in the windows of its own timestamp.
 */
final class ValidateProcessor implements Processor<byte[], byte[], String, Validated> {

    static final String STAGE = "validate";
    private static final byte[] STAGE_BYTES = STAGE.getBytes(UTF_8);

    private final UsageEventParser parser;
    private final int rawPartitions;
    private final ProcessorMetrics metrics;
    private ProcessorContext<String, Validated> context;

    ValidateProcessor(UsageEventParser parser, int rawPartitions, ProcessorMetrics metrics) {
        this.parser = parser;
        this.rawPartitions = rawPartitions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Validated> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        UsageEventParser.Result result = parser.parse(record.value());
        if (result.valid()) {
            UsageEvent event = result.event();
            RecordMetadata source = context.recordMetadata().orElse(null);
            boolean atHome = source != null && source.partition() == HomePartition.of(event, rawPartitions);
            if (!atHome) {
                metrics.rerouted();
            }
            if (result.cut() || result.replaced() > 0) {
                metrics.cut(result.cut(), result.replaced());
            }
            Accepted accepted = new Accepted(event, result.plain() ? record.value() : null);
            long time = Math.min(event.timestamp().toEpochMilli(), context.currentSystemTimeMs());
            context.forward(
                    new Record<>(event.eventId(), new Validated(accepted, atHome, null, null), time, record.headers()));
            return;
        }
        metrics.rejected(STAGE, result.violations().get(0).rule());
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(Topics.HEADER_ERROR_REASON, result.reason().getBytes(UTF_8));
        headers.add(Topics.HEADER_ERROR_FIELD, result.field().getBytes(UTF_8));
        headers.add(Topics.HEADER_ERROR_RULE, result.violations().get(0).rule().getBytes(UTF_8));
        headers.add(Topics.HEADER_ERROR_STAGE, STAGE_BYTES);
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source != null) {
            headers.add(Topics.HEADER_SOURCE_TOPIC, source.topic().getBytes(UTF_8));
            headers.add(
                    Topics.HEADER_SOURCE_PARTITION,
                    Integer.toString(source.partition()).getBytes(UTF_8));
            headers.add(
                    Topics.HEADER_SOURCE_OFFSET, Long.toString(source.offset()).getBytes(UTF_8));
        }
        context.forward(new Record<>(
                null, new Validated(null, false, record.key(), record.value()), record.timestamp(), headers));
    }
}
