package dev.agentmeter.analytics.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The bill fetched from the provider instead of an export file, page by page, as the documents
 * {@link BillSource} reads:
 * <ul>
 *   <li>OpenAI's Costs API, {@code GET /v1/organization/costs?start_time&end_time&bucket_width=1d&group_by=line_item&group_by=project_id&limit&page}
 *       with an admin key ({@code Authorization: Bearer}); {@code has_more} and {@code next_page} page it
 *       (platform.openai.com/docs/api-reference/usage/costs);</li>
 *   <li>Anthropic's Cost Report, {@code GET /v1/organizations/cost_report?starting_at&ending_at&group_by[]=description&group_by[]=workspace_id&limit&page}
 *       with an Admin API key ({@code x-api-key}, {@code anthropic-version: 2023-06-01}); {@code has_more} and
 *       {@code next_page} page it (docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report).</li>
 * </ul>
 * 429 and 5xx are retried (Retry-After honoured, at most {@link #ATTEMPTS} attempts per page); 401
 * and 403 say the key was refused. The key is sent and never written anywhere else.
 */
public final class BillFetcher {

    public static final String OPENAI_BASE = "https://api.openai.com";
    public static final String ANTHROPIC_BASE = "https://api.anthropic.com";
    static final int ATTEMPTS = 5;
    private static final int MAX_PAGES = 1000;

    private final HttpClient http;
    private final String baseUrl;
    private final String key;
    private final Duration initialBackoff;

    public BillFetcher(String baseUrl, String key, Duration initialBackoff) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("no admin key: set it in the environment (see docs/books.md)");
        }
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.key = key;
        this.initialBackoff = initialBackoff;
    }

    /** Every page for the UTC days [from, to], as one JSON array of pages. */
    public JsonNode fetch(BillSource source, LocalDate from, LocalDate to) throws IOException, InterruptedException {
        ArrayNode pages = ContractJson.mapper().createArrayNode();
        String page = null;
        for (int n = 0; n < MAX_PAGES; n++) {
            JsonNode body = get(source, uri(source, from, to, page));
            pages.add(body);
            if (!body.path("has_more").asBoolean(false)) {
                return pages;
            }
            page = body.path("next_page").asText(null);
            if (page == null || page.isBlank()) {
                throw new IOException(source.id() + ": has_more without next_page on page " + (n + 1));
            }
        }
        throw new IOException(source.id() + ": more than " + MAX_PAGES + " pages");
    }

    URI uri(BillSource source, LocalDate from, LocalDate to, String page) {
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        String q = switch (source) {
            case OPENAI_COSTS ->
                "/v1/organization/costs?start_time="
                        + from.atStartOfDay(ZoneOffset.UTC).toEpochSecond()
                        + "&end_time="
                        + to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
                        + "&bucket_width=1d&group_by=line_item&group_by=project_id&limit=" + Math.min(days, 180);
            case ANTHROPIC_COST_REPORT ->
                "/v1/organizations/cost_report?starting_at="
                        + enc(from.atStartOfDay(ZoneOffset.UTC).toInstant().toString()) + "&ending_at="
                        + enc(to.plusDays(1)
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant()
                                .toString())
                        + "&group_by%5B%5D=description&group_by%5B%5D=workspace_id&limit=" + Math.min(days, 31);
            case AWS_CUR -> throw new IllegalArgumentException("aws-cur is read from the export's files, not fetched");
        };
        return URI.create(baseUrl + q + (page == null ? "" : "&page=" + enc(page)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode get(BillSource source, URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (source == BillSource.OPENAI_COSTS) {
            request.header("Authorization", "Bearer " + key);
        } else {
            request.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        }
        String who = source.id() + " at " + uri.getHost();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException(who + " unreachable after " + attempt + " attempts: " + e.getMessage(), e);
                }
                Thread.sleep(backoff(attempt, null).toMillis());
                continue;
            }
            int status = r.statusCode();
            if (status == 200) {
                return ContractJson.mapper().readTree(r.body());
            }
            if (status == 401 || status == 403) {
                throw new IllegalArgumentException(who + " refused the admin key (HTTP " + status + "): it must be an "
                        + (source == BillSource.OPENAI_COSTS
                                ? "OpenAI admin key (sk-admin-…)"
                                : "Anthropic Admin API key (sk-ant-admin…)"));
            }
            if ((status == 429 || status >= 500) && attempt < ATTEMPTS) {
                Thread.sleep(
                        backoff(attempt, r.headers().firstValue("Retry-After").orElse(null))
                                .toMillis());
                continue;
            }
            throw new IOException(
                    who + " answered HTTP " + status + (attempt > 1 ? " after " + attempt + " attempts" : ""));
        }
    }

    private Duration backoff(int attempt, String retryAfter) {
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.min(60, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException httpDate) {
                // fall back to our own backoff
            }
        }
        return initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 6));
    }

    /** The pages as billed items, read as the export files are. */
    public static List<BilledItem> items(BillSource source, JsonNode pages) {
        return switch (source) {
            case OPENAI_COSTS -> BillSource.openAi(pages);
            case ANTHROPIC_COST_REPORT -> BillSource.anthropic(pages);
            case AWS_CUR -> new ArrayList<>();
        };
    }
}
