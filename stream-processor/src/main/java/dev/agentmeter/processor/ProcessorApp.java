package dev.agentmeter.processor;

import dev.agentmeter.pricing.BundledCatalog;
import dev.agentmeter.processor.budget.BudgetBook;
import dev.agentmeter.processor.health.StreamsHealth;
import dev.agentmeter.processor.metrics.JvmMeters;
import dev.agentmeter.processor.metrics.ProcessorMetrics;
import dev.agentmeter.processor.metrics.StreamsMetricsBinder;
import dev.agentmeter.processor.pricing.CatalogSeeder;
import dev.agentmeter.processor.query.QueryServer;
import dev.agentmeter.processor.query.SpendQueries;
import dev.agentmeter.processor.reject.KafkaSideRejections;
import dev.agentmeter.processor.reject.RejectingExceptionHandler;
import dev.agentmeter.processor.topology.DedupStoreRocksDbConfig;
import dev.agentmeter.processor.topology.UsageTopology;
import dev.agentmeter.support.KafkaSecurity;
import dev.agentmeter.support.TopicAdmin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running processor instance: creates missing topics, seeds the bundled catalog, starts Kafka
 * Streams with exactly-once processing, binds its metrics. Several instances with the same
 * application id share the partitions.
 */
public final class ProcessorApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessorApp.class);
    /**
     * How often Kafka Streams' metrics are looked at for new and departed ones: a task's meters
     * (stores, processors) exist only once the task is assigned.
     */
    static final Duration METRICS_REFRESH = Duration.ofSeconds(10);
    /** Stream threads failing this often within this window make the instance FAILING on /health. */
    static final Duration HEALTH_WINDOW = Duration.ofMinutes(10);

    private final ProcessorConfig config;
    private KafkaStreams streams;
    private StreamsMetricsBinder streamsMetrics;
    private final PrometheusMeterRegistry registry;
    private final int httpPort;
    private QueryServer queryServer;
    private KafkaSideRejections sideRejections;
    private StreamsHealth health;

    public ProcessorApp(ProcessorConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        // The port is part of the instance's identity (application.server), so "any" is fixed now.
        this.httpPort = config.httpPort() == 0 ? freePort() : config.httpPort();
        JvmMeters.bindTo(registry);
    }

    public ProcessorApp(ProcessorConfig config) {
        this(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** The port the query server listens on. */
    public int httpPort() {
        return httpPort;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the query server", e);
        }
    }

    /**
     * {@code processing.exception.handler.global.enabled}: deprecated in 4.3 only because 5.0 makes
     * true the default and drops the key; named once, here, so the one deprecation warning is here.
     */
    @SuppressWarnings("deprecation")
    public static final String GLOBAL_PROCESSING_HANDLER =
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;

    public static Properties streamsProperties(ProcessorConfig config, int httpPort) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        // One record is one unit of failure: what a record makes a processor, a deserialiser or a serialiser
        // fail on goes to the rejected topic with the reason and the stage, and the task goes on.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(RejectingExceptionHandler.REJECTED_TOPIC, config.rejectedTopic());
        // Each commit is a transaction on every task; 1 s keeps queries and alerts fresh enough
        // for cost tracking and roughly doubled throughput against 200 ms (see README).
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        // A priced record is ~1 KB: 16 KB batches meant a produce request per 16 events. Streams'
        // linger (100 ms) fills larger ones; fewer requests is less work for the brokers too.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
        // Process what is buffered instead of waiting for an empty input partition to be fetched: the
        // order between a task's partitions (raw and its detour; spend and budgets) changes no total and
        // no alertId (only which event an alert names), and the waiting check ran per record, about a
        // tenth of the stream thread. kafka.max.task.idle.ms=0 restores Kafka's default.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.advertisedHost() + ":" + httpPort);
        // Kafka 5.0's default, set now: the price catalog's global processor rejects bad entries itself; a
        // failure there that is a record's goes to the handler too (which cannot write dead letters from the
        // global thread: the updater hands its rejections to KafkaSideRejections). Without it every start
        // logged a WARN asking for it.
        p.put(GLOBAL_PROCESSING_HANDLER, true);
        p.putAll(config.kafkaOverrides());
        // Bloom filters on every level of the de-dup store (see DedupStoreRocksDbConfig); an operator's
        // own setter keeps running, called by ours.
        Object own = p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        if (own != null) {
            p.put(DedupStoreRocksDbConfig.DELEGATE, own);
        }
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DedupStoreRocksDbConfig.class);
        return p;
    }

    /** Creates the contract topics that do not exist yet (compacted ones compacted), then seeds prices. */
    public void prepare(int partitions, short replication) {
        Map<String, Object> client = clientProperties();
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        TopicAdmin.createTopics(
                client,
                List.of(
                        new NewTopic(config.rawTopic(), partitions, replication),
                        new NewTopic(config.pricedTopic(), partitions, replication),
                        new NewTopic(config.rejectedTopic(), partitions, replication),
                        new NewTopic(config.alertsTopic(), partitions, replication),
                        new NewTopic(config.pricesTopic(), 1, replication).configs(compact),
                        new NewTopic(config.budgetsTopic(), 1, replication).configs(compact),
                        new NewTopic(config.budgetStatusTopic(), partitions, replication).configs(compact)));
        CatalogSeeder.seed(config.pricesTopic(), BundledCatalog.load(), client);
    }

    /**
     * Builds the topology for the raw topic as it is now (its partition count decides where events
     * are de-duplicated, see {@code HomePartition}) and starts it with the query server.
     */
    public void start() {
        int rawPartitions = TopicAdmin.partitions(clientProperties(), config.rawTopic());
        ProcessorMetrics metrics = new ProcessorMetrics(registry);
        sideRejections = new KafkaSideRejections(clientProperties());
        Properties properties = streamsProperties(config, httpPort);
        properties.put(RejectingExceptionHandler.METRICS, metrics);
        streams = new KafkaStreams(UsageTopology.build(config, metrics, rawPartitions, sideRejections), properties);
        streamsMetrics = new StreamsMetricsBinder(streams::metrics, registry).start(METRICS_REFRESH);
        health = new StreamsHealth(streams, HEALTH_WINDOW, config.stallTimeout());
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            health.threadFailed(e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        HostInfo self = new HostInfo(config.advertisedHost(), httpPort);
        queryServer = new QueryServer(
                        self,
                        streams,
                        new SpendQueries(streams, config.zone(), new BudgetBook(config.budgetDefaults()), self),
                        registry,
                        config.httpAccess(),
                        config.forwardingToken(),
                        health)
                .start();
    }

    /** Waits until the instance is RUNNING (all tasks assigned and restored). */
    public boolean awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams != null && streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            LockSupport.parkNanos(50_000_000);
        }
        return false;
    }

    /** The running Kafka Streams instance; there is none before {@link #start()}. */
    public KafkaStreams streams() {
        if (streams == null) {
            throw new IllegalStateException("the processor has not been started");
        }
        return streams;
    }

    private Map<String, Object> clientProperties() {
        Map<String, Object> m = KafkaSecurity.settings(config.kafkaOverrides());
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return m;
    }

    @Override
    public void close() {
        if (queryServer != null) {
            queryServer.close();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streamsMetrics.close();
        }
        if (sideRejections != null) {
            sideRejections.close();
        }
    }
}
