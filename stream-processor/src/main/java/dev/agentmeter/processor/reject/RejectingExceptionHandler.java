package dev.agentmeter.processor.reject;

import dev.agentmeter.model.Topics;
import dev.agentmeter.model.validation.Violation;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record is one unit of failure (the contract, "No record stops the pipeline"): whatever a
 * record makes a processor throw, its deserialiser or its serialiser fail on, the record goes to
 * the rejected topic as its original bytes with the contract's error headers and the stage that
 * failed, it is counted by stage and reason, and the task goes on with the next record. The
 * rejected record is written by the task's own producer, inside the same transaction as the
 * offsets, so a record is rejected exactly once.
 *
 * <p>What is not the record's fault still fails the task, as Kafka Streams' defaults do: a state
 * store, the broker or the network failing ({@link KafkaException}s other than a serialisation
 * error), and anything thrown where no source record is known (a punctuation): skipping those would
 * lose data instead of one record. A task that keeps failing shows on {@code /health}.
 *
 * <p>Configured through the Streams properties: {@value #REJECTED_TOPIC} (the topic) and
 * {@value #METRICS} (the {@link ProcessorMetrics} instance, an object in the properties).
 */
public final class RejectingExceptionHandler
        implements ProcessingExceptionHandler, DeserializationExceptionHandler, ProductionExceptionHandler {

    public static final String REJECTED_TOPIC = "agentmeter.rejected.topic";
    public static final String METRICS = "agentmeter.rejected.metrics";

    private static final Logger log = LoggerFactory.getLogger(RejectingExceptionHandler.class);

    private String topic = Topics.USAGE_REJECTED;
    private ProcessorMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(REJECTED_TOPIC);
        if (t != null) {
            topic = t.toString();
        }
        if (configs.get(METRICS) instanceof ProcessorMetrics m) {
            metrics = m;
        }
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!isTheRecords(exception) || (context.sourceRawValue() == null && context.sourceRawKey() == null)) {
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(reject(context, context.processorNodeId(), exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(
                reject(context, "deserialize:" + record.topic(), record.key(), record.value(), exception));
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's parameter is the raw ProducerRecord: an override must be too
    public ProductionExceptionHandler.Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        if (context.sourceRawValue() == null && context.sourceRawKey() == null) {
            return ProductionExceptionHandler.Response.fail();
        }
        return ProductionExceptionHandler.Response.resume(
                reject(context, "serialize:" + context.processorNodeId(), exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        // A record the broker refuses for its size is the record's fault; anything else (timeouts,
        // authorisation, a fenced producer) is not, and fails the task as Kafka's default does.
        if (exception instanceof RecordTooLargeException
                && context.sourceRawValue() != null
                && context.sourceRawValue().length < record.value().length) {
            return ProductionExceptionHandler.Response.resume(
                    reject(context, "produce:" + context.processorNodeId(), exception));
        }
        return ProductionExceptionHandler.Response.fail();
    }

    /** Whether an exception is about the record's content rather than about the platform. */
    static boolean isTheRecords(Exception e) {
        return e instanceof RecordRejected || e instanceof SerializationException || !(e instanceof KafkaException);
    }

    private List<ProducerRecord<byte[], byte[]>> reject(ErrorHandlerContext context, String stage, Exception e) {
        return reject(context, stage, context.sourceRawKey(), context.sourceRawValue(), e);
    }

    private List<ProducerRecord<byte[], byte[]>> reject(
            ErrorHandlerContext context, String stage, byte[] key, byte[] value, Exception e) {
        Violation violation = e instanceof RecordRejected r
                ? r.violation()
                : new Violation(
                        "",
                        e.getClass().getSimpleName(),
                        "the processor failed on this record at " + stage + ": "
                                + e.getClass().getSimpleName() + ": " + e.getMessage());
        if (metrics != null) {
            metrics.rejected(stage, violation.rule());
        }
        if (!(e instanceof RecordRejected)) {
            // One line per record, no stack: a flood of poison must not become a flood of stack traces.
            log.warn(
                    "record {}-{}@{} rejected at {}: {}",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    stage,
                    violation.message());
            log.debug("the failure behind that rejection", e);
        }
        return List.of(RejectedRecord.of(
                topic,
                key,
                value,
                context.headers() == null ? null : context.headers().toArray(),
                violation,
                stage,
                new RejectedRecord.Source(
                        context.topic(), context.partition(), context.offset(), context.timestamp())));
    }
}
