package dev.agentmeter.cli.kafka;

import dev.agentmeter.model.json.ContractJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

/**
 * A price document from a file or an http(s) URL, gunzipped when it is gzip, at most
 * {@link #MAX_BYTES}; what cannot be read is an {@link IllegalArgumentException} saying why.
 */
public final class SourceDocuments {

    static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SourceDocuments() {}

    public static byte[] read(String source) {
        byte[] raw;
        try {
            raw = source.startsWith("http://") || source.startsWith("https://") ? download(source) : file(source);
            if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = in.readNBytes(MAX_BYTES + 1);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + source + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while fetching " + source);
        }
        if (raw.length > MAX_BYTES) {
            throw new IllegalArgumentException(source + " is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
        return raw;
    }

    private static byte[] file(String source) throws IOException {
        Path path = Path.of(source);
        if (Files.size(path) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
        return Files.readAllBytes(path);
    }

    private static byte[] download(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(TIMEOUT)
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return body.readNBytes(MAX_BYTES + 1);
        }
    }

    /** Whether the document is a JSON array whose first element has a modelKey (the contract's ModelPrice). */
    static boolean isContractArray(byte[] document) {
        try {
            var root = ContractJson.mapper().readTree(document);
            return root != null
                    && root.isArray()
                    && (root.isEmpty() || root.get(0).has("modelKey"));
        } catch (IOException e) {
            return false;
        }
    }
}
