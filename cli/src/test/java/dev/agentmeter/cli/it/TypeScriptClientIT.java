package dev.agentmeter.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.collector.CollectorApp;
import dev.agentmeter.collector.CollectorConfig;
import dev.agentmeter.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TypeScript client (clients/typescript, built by its Maven module) in a real Node.js process
 * against the real collector, processor and sink: every shape lands as rows with exact costs, and
 * events queued by a process killed while the collector was away are sent by the next one.
 */
@EnabledIf(value = "nodeAndClientBuilt", disabledReason = "node or the built TypeScript client is missing")
class TypeScriptClientIT {

    static final Path AGENT = Path.of("..", "clients", "typescript", "test", "it", "agent.mjs");
    static final Path DIST = Path.of("..", "clients", "typescript", "dist", "esm", "index.js");

    @RegisterExtension
    static final PipelineExtension pipeline = new PipelineExtension("typescript_it");

    /** Evaluated before the pipeline starts; CI sets AGENTMETER_REQUIRE_NODE=1, where a skip would hide a gap. */
    static boolean nodeAndClientBuilt() {
        boolean ready = Files.exists(DIST) && node() != null;
        if (!ready && "1".equals(System.getenv("AGENTMETER_REQUIRE_NODE"))) {
            throw new IllegalStateException("node or " + DIST + " missing: build clients/typescript first");
        }
        return ready;
    }

    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            Path p = Path.of(dir, "node");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static Process agent(String mode, String endpoint, Path spool, String run) throws Exception {
        return new ProcessBuilder(List.of(node(), AGENT.toString(), mode, endpoint, spool.toString(), run))
                .redirectErrorStream(true)
                .start();
    }

    private static String awaitLine(Process p, String prefix) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder all = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            all.append(line).append('\n');
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the agent ended without '" + prefix + "': " + all);
    }

    @Test
    void everyShapeLandsOnceWithItsExactCost() throws Exception {
        String run = "ts-" + UUID.randomUUID();
        Process p = agent("send", pipeline.collectorUrl(), pipeline.data().resolve("send-spool.ndjson"), run);
        assertThat(awaitLine(p, "sent")).contains("\"sent\":9").contains("\"dropped\":0");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // 5 × gpt-4o 1,000/100 ($0.0035), logLLM claude-sonnet-4-5 2,000/200 ($0.009), the hook's OpenRouter cost
        // ($0.0123), the Anthropic message with cache ($0.020475) and one API call ($0.01)
        assertThat(pipeline.awaitValue(
                        "SELECT count(*) || ' ' || sum(total_cost_usd) FROM agent_usage WHERE session_id = '" + run
                                + "'",
                        "9 0.069275"))
                .isEqualTo("9 0.069275");
        assertThat(pipeline.awaitValue(
                        "SELECT string_agg(DISTINCT cost_source, ',' ORDER BY cost_source) FROM agent_usage WHERE session_id = '"
                                + run + "'",
                        "api,catalog,provider"))
                .isEqualTo("api,catalog,provider");
    }

    @Test
    void eventsQueuedByAProcessKilledWhileTheCollectorWasAwayAreSentByTheNextOne() throws Exception {
        String run = "ts-kill-" + UUID.randomUUID();
        Path spool = pipeline.data().resolve("kill-spool.ndjson");
        Process queued = agent("queue", "http://127.0.0.1:" + FreePorts.next(), spool, run);
        awaitLine(queued, "queued");
        queued.destroyForcibly().waitFor(); // SIGKILL: no exit hook runs

        Process drain = agent("drain", pipeline.collectorUrl(), spool, run);
        assertThat(awaitLine(drain, "drained")).contains("\"waitingBytes\":0");
        assertThat(drain.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(pipeline.awaitValue(
                        "SELECT count(*) || ' ' || sum(total_cost_usd) FROM agent_usage WHERE session_id = '" + run
                                + "'",
                        "10 0.0350"))
                .isEqualTo("10 0.0350"); // numeric sum keeps the scale of its terms
    }

    @Test
    void aCollectorStoppedMidRunLosesNothingAndCountsNothingTwice() throws Exception {
        String run = "ts-stop-" + UUID.randomUUID();
        int port = FreePorts.next();
        Supplier<CollectorApp> collector = () -> new CollectorApp(CollectorConfig.of(Map.of(
                        CollectorConfig.BOOTSTRAP_SERVERS,
                        pipeline.bootstrapServers(),
                        CollectorConfig.HTTP_PORT,
                        Integer.toString(port),
                        CollectorConfig.SPOOL_DIRECTORY,
                        pipeline.data().resolve("own-collector-spool").toString())))
                .start();
        CollectorApp first = collector.get();
        Process agent =
                agent("stream", "http://127.0.0.1:" + port, pipeline.data().resolve("stream-spool.ndjson"), run);
        Thread.sleep(1500);
        first.close(); // mid-run: about a third of the events sent
        Thread.sleep(2000);
        try (CollectorApp second = collector.get()) {
            assertThat(awaitLine(agent, "streamed"))
                    .contains("\"waitingBytes\":0")
                    .contains("\"dropped\":0");
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();

            // 200 × gpt-4o-mini 1,000/100: $0.00015 + $0.00006 each
            assertThat(pipeline.awaitValue(
                            "SELECT count(*) || ' ' || count(DISTINCT event_id) || ' ' || sum(total_cost_usd) FROM agent_usage"
                                    + " WHERE session_id = '" + run + "'",
                            "200 200 0.04200"))
                    .isEqualTo("200 200 0.04200");
        }
    }
}
