package dev.agentmeter.client.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {

    private final Redactor redactor = Redactor.defaults();

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # --- API keys and tokens ---
            key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv_wx-yz0123 leaked | key [REDACTED_API_KEY] leaked
            sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345 | [REDACTED_API_KEY]
            use sk-AbCdEfGhIjKlMnOpQrStUvWx for this | use [REDACTED_API_KEY] for this
            sk-svcacct-AbCdEfGhIjKlMnOpQrStUvWxYz | [REDACTED_API_KEY]
            aws AKIAIOSFODNN7EXAMPLE here | aws [REDACTED_AWS_KEY] here
            temp ASIAY34FZKBOKMUTVV7A creds | temp [REDACTED_AWS_KEY] creds
            token ghp_16C7e42F292c6912E7710c838347Ae178B4a ok | token [REDACTED_TOKEN] ok
            gho_16C7e42F292c6912E7710c838347Ae178B4a | [REDACTED_TOKEN]
            github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz | [REDACTED_TOKEN]
            slack xoxb-1234567890-abcdefghij | slack [REDACTED_TOKEN]
            xoxp-123456789012-abcdefABCDEF | [REDACTED_TOKEN]
            Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig | Authorization: Bearer [REDACTED_TOKEN]
            bearer abcdefgh12345678 | Bearer [REDACTED_TOKEN]
            # --- key=value secrets ---
            password=hunter22 | password=[REDACTED]
            PASSWORD: "correct horse" | PASSWORD: [REDACTED]
            db secret='s3cr3t!x' end | db secret=[REDACTED] end
            api_key=abcd1234efgh | api_key=[REDACTED]
            apikey: 9f8e7d6c | apikey: [REDACTED]
            client_secret=xyz-987-abc&next=1 | client_secret=[REDACTED]&next=1
            access_token=ya29.a0AfH6SM | access_token=[REDACTED]
            token=abcd1234 | token=[REDACTED]
            pwd = letmein99 | pwd = [REDACTED]
            # --- e-mail addresses ---
            mail alice@example.com now | mail [REDACTED_EMAIL] now
            bob.smith+tag@mail.co.uk | [REDACTED_EMAIL]
            contact: First.Last@sub.example.org. | contact: [REDACTED_EMAIL].
            # --- paths with user names ---
            cannot read /home/alice/project/.env | cannot read /home/[USER]/project/.env
            /Users/bob/Library/file.txt | /Users/[USER]/Library/file.txt
            `C:\\Users\\carol\\Desktop\\a.txt` | `C:\\Users\\[USER]\\Desktop\\a.txt`
            # --- dollar amounts ---
            the deal is worth $1,250,000.00 | the deal is worth [REDACTED_AMOUNT]
            costs $ 45.99 per seat | costs [REDACTED_AMOUNT] per seat
            raised $3M in seed | raised [REDACTED_AMOUNT] in seed
            price:$7 | price:[REDACTED_AMOUNT]
            # --- private IPv4 ---
            connect to 10.0.0.12:5432 failed | connect to [REDACTED_IP]:5432 failed
            host 172.16.254.1 down | host [REDACTED_IP] down
            at 172.31.0.5 | at [REDACTED_IP]
            router 192.168.1.1 | router [REDACTED_IP]
            # --- several in one text ---
            alice@example.com used sk-ant-api03-AAAAAAAAAAAAAAAAAAAA on 10.1.2.3 | [REDACTED_EMAIL] used [REDACTED_API_KEY] on [REDACTED_IP]
            """)
    void redacts(String input, String expected) {
        assertThat(redactor.redact(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # near misses: must stay exactly as they are
            we use sk-learn for models
            the task-1234567890123456789012 is done
            risk-assessment-for-the-quarterly-report
            AKIA is a prefix of AWS keys
            AKIAshort
            ghp_short
            xoxb-123
            Bearer
            bearer token missing
            max_tokens=500
            tokens: 1200 in, 300 out
            the password policy changed
            token budget exceeded
            user@localhost
            alice at example dot com
            email me @ noon
            /home/ is empty
            /homework/alice/notes
            $HOME/bin
            the variable $x is unset
            US$ is a currency code
            costs 45 dollars
            version 10.2.3 released
            public host 8.8.8.8
            172.32.0.1 is public
            192.169.1.1 is public
            11.0.0.1 is public
            10.0.0.256 is not an address
            1.10.0.0.1 is not an address
            ratio 3:1 and time 10:30
            the model claude-sonnet-4-5 answered
            ISO date 2026-11-22T10:15:30Z
            a normal sentence without secrets
            """)
    void leavesNearMissesAlone(String input) {
        assertThat(redactor.redact(input)).isEqualTo(input);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ticket CUST-123456 opened | ticket [REDACTED_CUSTOMER] opened
            CUST-1 is too short | CUST-1 is too short
            """)
    void extraPatternsCanBeAdded(String input, String expected) {
        Redactor custom = redactor.with("customer-id", "\\bCUST-\\d{6}\\b", "[REDACTED_CUSTOMER]");
        assertThat(custom.redact(input)).isEqualTo(expected);
    }

    @Test
    void noneRedactsNothingAndNullStaysNull() {
        assertThat(Redactor.none().redact("alice@example.com")).isEqualTo("alice@example.com");
        assertThat(redactor.redact(null)).isNull();
        assertThat(redactor.redact("")).isEmpty();
    }
}
