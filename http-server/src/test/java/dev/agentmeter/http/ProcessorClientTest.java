package dev.agentmeter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor client against a real HTTP server on loopback standing in for the query API. */
class ProcessorClientTest {

    private HttpServer server;
    private final AtomicReference<String> seen = new AtomicReference<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.set(exchange.getRequestURI().getRawPath() + "?"
                    + exchange.getRequestURI().getRawQuery() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"spendUsd\":\"1.25\",\"events\":3}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ProcessorClient client(String token) {
        return new ProcessorClient("http://127.0.0.1:" + server.getAddress().getPort(), token, "set the token");
    }

    @Test
    void aScopeIdWithASpaceAndASlashIsOnePathSegment() {
        assertThat(ProcessorClient.spendPath(Scope.of(ScopeType.USER, "ann lee/ops"), Period.DAY))
                .isEqualTo("/v1/spend/user/ann%20lee%2Fops?period=DAY");
    }

    @Test
    void theTokenGoesAsABearerHeaderTrimmed() throws IOException {
        assertThat(client(" s3cret \n")
                        .spend(Scope.GLOBAL, Period.MONTH, Duration.ofSeconds(5))
                        .spendUsd()
                        .toPlainString())
                .isEqualTo("1.25");
        assertThat(seen.get()).isEqualTo("/v1/spend/global/*?period=MONTH Bearer s3cret");
    }

    @Test
    void aRefusedTokenSaysWhatToSet() {
        status = 401;

        assertThatThrownBy(() -> client("wrong").get("/v1/spend/global/*?period=DAY", Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("asks for a token: set the token; the one given was refused");
    }

    @Test
    void anotherStatusIsReportedWithTheBody() {
        status = 503;

        assertThatThrownBy(() -> client(null).get("/health", Duration.ofSeconds(5)))
                .hasMessageEndingWith("answered 503: {\"spendUsd\":\"1.25\",\"events\":3}");
    }

    @Test
    void aProcessorThatIsNotThereIsNamed() {
        assertThatThrownBy(() ->
                        new ProcessorClient("http://127.0.0.1:1", null, "x").get("/health", Duration.ofSeconds(5)))
                .hasMessageStartingWith("cannot reach the processor at http://127.0.0.1:1 (is the pipeline up?)");
    }
}
