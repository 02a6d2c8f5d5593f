package dev.agentmeter.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files made by a real CA (openssl, as an operator or cert-manager would), asked by
 * the JDK's HTTP client over real TLS: the server's chain verified, plain HTTP refused, and with a
 * client CA a client without a certificate refused.
 */
class TlsServersTest {

    @TempDir
    static Path pki;

    private Javalin server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=agentmeter test CA");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        for (String who : List.of("server", "client", "other")) {
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", who + ".key");
            openssl("req", "-new", "-key", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    who + ".csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    who + ".crt",
                    "-days",
                    "2",
                    "-extfile",
                    "san.ext");
        }
        Files.writeString(
                pki.resolve("chain.crt"),
                Files.readString(pki.resolve("server.crt")) + Files.readString(pki.resolve("ca.crt")));
        openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(pki.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static HttpAccess access(Map<String, String> tls) {
        Map<String, String> props = new HashMap<>(tls);
        props.put("http.auth", "none");
        return HttpAccess.of(
                new AbstractConfig(HttpAccess.define(new ConfigDef(), "http.", "127.0.0.1"), props), "http.");
    }

    private static Map<String, String> serverTls() {
        return Map.of(
                "http.tls.cert.file",
                pki.resolve("chain.crt").toString(),
                "http.tls.key.file",
                pki.resolve("server.key").toString());
    }

    private int start(HttpAccess access) {
        server = HttpServers.create(
                        "tls-test",
                        access,
                        config -> config.routes.get(
                                "/v1/money", ctx -> ctx.json(Map.of("spendUsd", new BigDecimal("0.0105")))))
                .start(0);
        return server.port();
    }

    /** A client that trusts the test CA and, when {@code who} is given, presents that certificate. */
    private static HttpClient client(String who) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.resolve("ca.crt"))) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (who != null) {
            Tls mine = Tls.read(pki.resolve(who + ".crt"), pki.resolve(who + ".key"), null, "c", "k", "ca");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(who, mine.key(), "x".toCharArray(), mine.chain().toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder()
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPartWithACertificateAndKeyServesHttpsThatAClientVerifies() throws Exception {
        int port = start(access(serverTls()));

        HttpResponse<String> r = get(client(null), "https://localhost:" + port + "/v1/money");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"spendUsd\":\"0.0105\"}");
        assertThat(r.sslSession().orElseThrow().getPeerPrincipal().getName()).isEqualTo("CN=server");
    }

    @Test
    void plainHttpToAnHttpsPartGetsNoAnswer() throws Exception {
        int port = start(access(serverTls()));

        // The TLS port answers a plain request with a TLS record, which no HTTP client reads as an answer.
        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http://localhost:" + port + "/v1/money"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("status line");
    }

    @Test
    void withAClientCaAClientWithoutACertificateIsRefusedAndOneWithACertificateAnswered() throws Exception {
        Map<String, String> mutual = new HashMap<>(serverTls());
        mutual.put("http.tls.client.ca.file", pki.resolve("ca.crt").toString());
        int port = start(access(mutual));

        assertThatThrownBy(() -> get(client(null), "https://localhost:" + port + "/v1/money"))
                .isInstanceOf(IOException.class);
        assertThat(get(client("client"), "https://localhost:" + port + "/v1/money")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStartNamingTheKey() {
        assertThatThrownBy(() -> access(Map.of(
                        "http.tls.cert.file",
                        pki.resolve("chain.crt").toString(),
                        "http.tls.key.file",
                        pki.resolve("other.key").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls.key.file")
                .hasMessageContaining("is not the key of the first certificate");
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() {
        assertThatThrownBy(() -> access(Map.of(
                        "http.tls.cert.file",
                        pki.resolve("chain.crt").toString(),
                        "http.tls.key.file",
                        pki.resolve("server-pkcs1.key").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        assertThatThrownBy(() -> access(
                        Map.of("http.tls.cert.file", pki.resolve("chain.crt").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TLS needs both");
    }
}
