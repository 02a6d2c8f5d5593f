package dev.agentmeter.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.hostile.HostileDocuments;
import dev.agentmeter.model.json.ContractJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The notifier's way in, the alert topic, under the hostile-input suite: every record is an alert or skipped, never thrown. */
class HostileAlertsTest {

    @Test
    void everyHostileRecordIsReadOrSkippedAndNoneBreaksThePayloads() {
        long seed = HostileDocuments.seed();
        int skipped = 0;
        for (HostileDocuments.Document d : new HostileDocuments(seed).next(2000)) {
            var alert = NotifierApp.readAlert(d.bytes());
            if (alert.isEmpty()) {
                skipped++;
                continue;
            }
            // whatever was read, every target's body can be made from it
            Payloads.alertmanager(alert.get(), "http://dash", Instant.now());
            Payloads.slack(alert.get(), "http://dash");
            Payloads.json(alert.get());
        }
        System.out.println("hostile input at the notifier (seed " + seed + ", -Dhostile.seed=" + seed + " repeats it): "
                + skipped + " of 2000 skipped");
        assertThat(skipped).isEqualTo(2000); // not one generated document is a whole BudgetAlert
    }

    @Test
    void aWholeAlertIsRead() {
        assertThat(NotifierApp.readAlert(ContractJson.toBytes(NotifierWebhookIT.alert("team:x"))))
                .isPresent();
    }
}
