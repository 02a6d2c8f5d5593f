package dev.agentmeter.sink;

import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.sink.RecordDecoder.Decoded;
import dev.agentmeter.sink.metrics.SinkMetrics;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.AlertRows;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.SqlErrors;
import dev.agentmeter.sink.write.TableSpec;
import dev.agentmeter.sink.write.UsageRows;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes priced usage and budget alerts to Postgres. {@link #put} returns only after every record
 * it was given is committed in the database or handed to the dead-letter queue, so the offsets
 * Connect commits afterwards never run ahead of the database.
 *
 * <ul>
 *   <li>Bad records (not JSON, missing fields, refused by the database) go to the
 *       {@link ErrantRecordReporter} with the reason; the task keeps running.</li>
 *   <li>Transient database failures throw {@link RetriableException} after
 *       {@code context.timeout(backoff)}: Connect redelivers the same records, and rows already
 *       committed from them are skipped by {@code ON CONFLICT DO NOTHING}.</li>
 * </ul>
 */
public class AgentMeterSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(AgentMeterSinkTask.class);

    private SinkConfig config;
    private SchemaMigrator schema;
    private PostgresWriter writer;
    private SinkMetrics metrics;
    private ErrantRecordReporter reporter;
    private TableSpec<PricedUsage> usageTable;
    private TableSpec<BudgetAlert> alertsTable;
    private boolean schemaReady;
    private int failedAttempts;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SinkConfig(props);
        schema = new SchemaMigrator(config.usageTable(), config.alertsTable());
        writer = new PostgresWriter(config.url(), config.user(), config.password(), schema);
        metrics = new SinkMetrics();
        try {
            if (context != null && context.pluginMetrics() != null) {
                metrics.publishTo(context.pluginMetrics());
            }
        } catch (UnsupportedOperationException e) {
            log.debug("this runtime has no plugin metrics; the sink's counters stay in Micrometer only");
        }
        usageTable = UsageRows.table(config.usageTable());
        alertsTable = AlertRows.table(config.alertsTable());
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // worker older than Kafka 2.6
        }
        schemaReady = false;
        failedAttempts = 0;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<Pending<PricedUsage>> usage = new ArrayList<>();
        List<Pending<BudgetAlert>> alerts = new ArrayList<>();
        for (SinkRecord record : records) {
            if (record.value() == null) {
                metrics.tombstone();
            } else if (record.topic().equals(config.pricedTopic())) {
                route(record, RecordDecoder.pricedUsage(record.value()), usage);
            } else if (record.topic().equals(config.alertsTopic())) {
                route(record, RecordDecoder.budgetAlert(record.value()), alerts);
            } else {
                reportErrant(
                        record,
                        "topic " + record.topic() + " is neither " + SinkConfig.TOPIC_PRICED + " ("
                                + config.pricedTopic() + ") nor " + SinkConfig.TOPIC_ALERTS + " ("
                                + config.alertsTopic() + ")",
                        null);
            }
        }
        try {
            prepareSchema();
            writeInBatches(usageTable, usage, u -> u.event().timestamp());
            writeInBatches(alertsTable, alerts, null);
            failedAttempts = 0;
        } catch (SQLException | RuntimeException e) {
            if (e instanceof ConnectException connectException) {
                throw connectException;
            }
            handleFailure(e);
        }
    }

    private <T> void route(SinkRecord record, Decoded<T> decoded, List<Pending<T>> into) {
        if (decoded.value() != null) {
            into.add(new Pending<>(record, decoded.value()));
        } else {
            reportErrant(record, decoded.reason(), null);
        }
    }

    /** Migrations and partitions ahead, once per task; retried with the writes if the database is away. */
    private void prepareSchema() throws SQLException {
        if (schemaReady) {
            return;
        }
        if (config.migrate()) {
            int applied = schema.migrate(config.url(), config.user(), config.password());
            if (applied > 0) {
                log.info("applied {} schema migration(s) to {}", applied, config.url());
            }
        }
        writer.ensurePartitionsAhead(Instant.now(), config.partitionsAheadMonths());
        schemaReady = true;
    }

    private <T> void writeInBatches(TableSpec<T> table, List<Pending<T>> rows, Function<T, Instant> partitionTime)
            throws SQLException {
        for (int from = 0; from < rows.size(); from += config.batchSize()) {
            writeBatch(table, rows.subList(from, Math.min(rows.size(), from + config.batchSize())), partitionTime);
        }
    }

    private <T> void writeBatch(TableSpec<T> table, List<Pending<T>> batch, Function<T, Instant> partitionTime)
            throws SQLException {
        List<T> values = new ArrayList<>(batch.size());
        for (Pending<T> p : batch) {
            values.add(p.value());
        }
        long start = System.nanoTime();
        try {
            int inserted = writer.write(table, values, partitionTime);
            metrics.batch(table.table(), values.size(), inserted, System.nanoTime() - start);
        } catch (SQLException e) {
            if (!SqlErrors.isBadData(e)) {
                throw e;
            }
            if (batch.size() == 1) {
                reportErrant(
                        batch.get(0).record(),
                        "Postgres refused the row (SQLState " + e.getSQLState() + "): " + e.getMessage(),
                        e);
                return;
            }
            // One bad row fails the whole batch: write row by row to find it, keep the others.
            log.warn(
                    "batch of {} rows for {} refused ({}); writing row by row to isolate the bad ones",
                    batch.size(),
                    table.table(),
                    e.getMessage());
            for (Pending<T> single : batch) {
                writeBatch(table, List.of(single), partitionTime);
            }
        }
    }

    private void handleFailure(Exception e) {
        if (!SqlErrors.isTransient(e)) {
            throw new ConnectException(
                    "writing to Postgres failed and retrying will not help (SQLState " + SqlErrors.sqlState(e) + "): "
                            + e.getMessage(),
                    e);
        }
        failedAttempts++;
        metrics.retry();
        if (config.maxRetries() >= 0 && failedAttempts > config.maxRetries()) {
            throw new ConnectException(
                    "Postgres still unavailable after " + config.maxRetries() + " retries (" + SinkConfig.MAX_RETRIES
                            + "): " + e.getMessage(),
                    e);
        }
        long backoff = config.backoffMillis(failedAttempts);
        log.warn(
                "Postgres unavailable (SQLState {}): {}; retry {} in {} ms, nothing committed to Kafka meanwhile",
                SqlErrors.sqlState(e),
                e.getMessage(),
                failedAttempts,
                backoff);
        context.timeout(backoff);
        throw new RetriableException(e);
    }

    private void reportErrant(SinkRecord record, String reason, Throwable cause) {
        metrics.errant(record.topic());
        DataException error = new DataException(reason, cause);
        if (reporter == null) {
            throw new ConnectException(
                    "no dead-letter queue available (errors.tolerance / worker version) for " + record.topic() + "-"
                            + record.kafkaPartition() + "@" + record.kafkaOffset() + ": " + reason,
                    error);
        }
        log.warn(
                "record {}-{}@{} sent to the dead-letter queue: {}",
                record.topic(),
                record.kafkaPartition(),
                record.kafkaOffset(),
                reason);
        // Connect waits for every report to complete before it commits the offsets: no need to wait here.
        Future<Void> unused = reporter.report(record, error);
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close();
        }
    }

    /** A decoded value and the record it came from (for the dead-letter queue). */
    private record Pending<T>(SinkRecord record, T value) {}
}
