package dev.agentmeter.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DataTableTest {

    private static DataTable costs() {
        return new DataTable("by-agent", "Cost by agent")
                .text("agent", "Agent")
                .count("events", "Events")
                .usd("costUsd", "Cost")
                .percent("sharePercent", "Share")
                .instant("lastAt", "Last");
    }

    @Test
    void htmlShowsCentsAndKeepsTheExactFigureInTheTitle() {
        String html = costs().row(
                        "coder",
                        1200L,
                        new BigDecimal("6.69329350"),
                        new BigDecimal("72.0"),
                        Instant.parse("2026-12-01T23:30:00Z"))
                .html(ZoneId.of("Europe/Berlin"), "period=today");

        assertThat(html)
                .contains(
                        "<th scope=\"row\">coder</th><td class=\"num\">1,200</td>"
                                + "<td class=\"num\" title=\"6.6932935\">$6.69</td><td class=\"num\">72.0 %</td><td>2026-12-02 00:30:00</td>");
    }

    @Test
    void downloadLinksKeepThePageQuery() {
        String html = costs().html(ZoneId.of("UTC"), "period=today&agent=coder");

        assertThat(html).contains("href=\"?period=today&amp;agent=coder&amp;table=by-agent&amp;format=csv\"");
    }

    @Test
    void csvHasSnakeCaseHeadersAndExactMoneyWithoutTrailingZeros() {
        String csv = costs().row(
                        "coder",
                        3L,
                        new BigDecimal("0.00750000"),
                        new BigDecimal("11.5"),
                        Instant.parse("2026-12-01T10:00:00Z"))
                .csv();

        assertThat(csv)
                .isEqualTo("agent,events,cost_usd,share_percent,last_at\ncoder,3,0.0075,11.5,2026-12-01T10:00:00Z\n");
    }

    @Test
    void csvQuotesSeparatorsAndDefusesFormulas() {
        String csv = costs().row("=HYPERLINK(\"x\"), a", 1L, BigDecimal.ONE, BigDecimal.TEN, null)
                .csv();

        assertThat(csv.lines().skip(1).findFirst().orElseThrow()).isEqualTo("\"'=HYPERLINK(\"\"x\"\"), a\",1,1,10,");
    }

    @Test
    void jsonCarriesMoneyAsDecimalStringsAndCountsAsNumbers() {
        String json = costs().row("coder", 3L, new BigDecimal("0.00750000"), new BigDecimal("11.5"), null)
                .json()
                .toString();

        assertThat(json)
                .isEqualTo(
                        "[{\"agent\":\"coder\",\"events\":3,\"costUsd\":\"0.0075\",\"sharePercent\":\"11.5\",\"lastAt\":null}]");
    }

    @Test
    void textIsEscaped() {
        String html = costs().row("<script>alert(1)</script>", 1L, BigDecimal.ONE, BigDecimal.ONE, null)
                .html(ZoneId.of("UTC"), "");

        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    }
}
