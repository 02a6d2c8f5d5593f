package dev.agentmeter.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void aFieldWithACommaQuoteOrLineBreakIsQuotedWithQuotesDoubled() {
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("carriage\rreturn")).isEqualTo("\"carriage\rreturn\"");
        assertThat(Csv.field("plain")).isEqualTo("plain");
        assertThat(Csv.field(null)).isEmpty();
    }

    @Test
    void textASpreadsheetWouldRunAsAFormulaGetsAnApostrophe() {
        assertThat(Csv.field("=HYPERLINK(\"http://evil\",\"x\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
        assertThat(Csv.field("+cmd")).isEqualTo("'+cmd");
        assertThat(Csv.field("-2+3")).isEqualTo("'-2+3");
        assertThat(Csv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.field("\tx")).isEqualTo("'\tx");
    }

    @Test
    void numbersStayExactNegativeOnesIncluded() {
        assertThat(Csv.field("-0.1")).isEqualTo("-0.1");
        assertThat(Csv.field("+5")).isEqualTo("+5");
        assertThat(Csv.field("1E-7")).isEqualTo("1E-7");
        assertThat(Csv.field("0.0035")).isEqualTo("0.0035");
    }

    @Test
    void anExactFieldIsQuotedButNotGuarded() {
        assertThat(Csv.exactField("=1+1")).isEqualTo("=1+1");
        assertThat(Csv.exactField("a,b")).isEqualTo("\"a,b\"");
    }
}
