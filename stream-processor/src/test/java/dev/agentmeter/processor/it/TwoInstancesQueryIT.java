package dev.agentmeter.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.embedded.KafkaExtension;
import dev.agentmeter.embedded.Sends;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.processor.ProcessorApp;
import dev.agentmeter.processor.ProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share the partitions; either answers for any scope by asking the owner. The query
 * API asks for a bearer token here, a different one on each instance, so forwarding between them
 * works only with the peer token they share: a client's token never travels to a peer.
 */
class TwoInstancesQueryIT {

    private static final String TOKEN = "two-instances-s3cret";
    private static final String TOKEN_TWO = "second-instance-s3cret";

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path work;

    @Test
    void eitherInstanceAnswersForEveryScope() throws Exception {
        String prefix = kafka.uniqueTopic("two");
        Map<String, String> p = new HashMap<>();
        p.put(ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.put(ProcessorConfig.APPLICATION_ID, "two-" + prefix);
        p.put(ProcessorConfig.HTTP_PORT, "0");
        p.put(ProcessorConfig.TOPIC_PARTITIONS, "4");
        p.put(ProcessorConfig.HTTP_AUTH_TOKEN, TOKEN);
        for (String key : new String[] {
            ProcessorConfig.TOPIC_RAW,
            ProcessorConfig.TOPIC_PRICED,
            ProcessorConfig.TOPIC_REJECTED,
            ProcessorConfig.TOPIC_PRICES,
            ProcessorConfig.TOPIC_BUDGETS,
            ProcessorConfig.TOPIC_ALERTS
        }) {
            p.put(key, prefix + "." + key);
        }
        Path peer = Files.writeString(work.resolve("peer-token"), "# shared by the instances only\npeer-s3cret\n");
        p.put(ProcessorConfig.HTTP_PEER_TOKEN_FILE, peer.toString());
        Map<String, String> a = new HashMap<>(p);
        a.put(
                ProcessorConfig.STATE_DIR,
                Files.createDirectories(work.resolve("a")).toString());
        Map<String, String> b = new HashMap<>(p);
        b.put(
                ProcessorConfig.STATE_DIR,
                Files.createDirectories(work.resolve("b")).toString());
        b.put(ProcessorConfig.HTTP_AUTH_TOKEN, TOKEN_TWO);

        try (ProcessorApp one = new ProcessorApp(ProcessorConfig.of(a));
                ProcessorApp two = new ProcessorApp(ProcessorConfig.of(b))) {
            one.prepare(4, (short) 1);
            one.start();
            two.start();
            assertThat(one.awaitRunning(Duration.ofSeconds(90))).isTrue();
            assertThat(two.awaitRunning(Duration.ofSeconds(90))).isTrue();

            Instant at = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                events.add(UsageEvent.builder()
                        .eventId("q-" + i)
                        .timestamp(at)
                        .agent("a")
                        .userId("user-" + (i % 8))
                        .model("gpt-4o")
                        .usage(Usage.of(400_000, 0))
                        .build()); // $1 each
            }
            Sends.events(kafka.bootstrapServers(), prefix + "." + ProcessorConfig.TOPIC_RAW, events);
            String query = "?period=DAY&at=" + at;
            Http.token = TOKEN;
            Http.awaitSpend(one.httpPort(), "/v1/spend/global/*" + query, "40");
            // Each task writes its windows to its store on its own commit or flush interval: the user
            // windows may show up a little after the global one, so each is awaited (and must be exactly 5).
            for (int u = 0; u < 8; u++) {
                Http.token = TOKEN;
                Http.awaitSpend(one.httpPort(), "/v1/spend/user/user-" + u + query, "5");
                Http.token = TOKEN_TWO;
                Http.awaitSpend(two.httpPort(), "/v1/spend/user/user-" + u + query, "5");
            }
            // While the two instances rebalance, a top-N query answers 503 rather than a partial list: retry.
            Http.Reply top = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                top = Http.get(two.httpPort(), "/v1/top/user" + query + "&limit=100");
                if (top.status() == 200) {
                    break;
                }
                LockSupport.parkNanos(200_000_000);
            }
            assertThat(top.status()).as(top.body()).isEqualTo(200);
            assertThat(top.json().findValuesAsText("scope"))
                    .containsExactly(
                            "user:user-0",
                            "user:user-1",
                            "user:user-2",
                            "user:user-3",
                            "user:user-4",
                            "user:user-5",
                            "user:user-6",
                            "user:user-7");
            assertThat(top.json().findValuesAsText("spendUsd")).containsOnly("5");

            assertThat(Http.get(one.httpPort(), "/v1/spend/user/user-1" + query, null)
                            .status())
                    .isEqualTo(401);
            assertThat(Http.get(one.httpPort(), "/v1/spend/user/user-1" + query, "wrong")
                            .status())
                    .isEqualTo(401);
            assertThat(Http.get(two.httpPort(), "/v1/top/user" + query, TOKEN_TWO.toUpperCase(Locale.ROOT))
                            .status())
                    .isEqualTo(401);
            assertThat(Http.get(two.httpPort(), "/v1/top/user" + query, TOKEN).status())
                    .as("the other's token")
                    .isEqualTo(401);
            assertThat(Http.get(one.httpPort(), "/health", null).status())
                    .as("open for probes")
                    .isEqualTo(200);
            assertThat(Http.get(one.httpPort(), "/metrics", null).status())
                    .as("open for Prometheus")
                    .isEqualTo(200);
        } finally {
            Http.token = null;
        }
    }
}
