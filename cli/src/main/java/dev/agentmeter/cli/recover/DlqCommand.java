package dev.agentmeter.cli.recover;

import picocli.CommandLine.Command;

/** The sink's dead-letter topic: records Postgres refused, and re-driving them once the cause is fixed. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = {
            "Records the Postgres sink could not store: counts by reason and the newest ones.",
            "`dlq replay` re-publishes them to the topic the sink reads (priced usage or alerts)."
        },
        subcommands = DlqCommand.Replay.class)
public final class DlqCommand extends DeadLetterCommand.Listing {

    @Override
    protected DeadLetters source() {
        return DeadLetters.DLQ;
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Re-publish dead-lettered records to the topic the sink read them from.",
                "Safe to run twice: the sink writes one row per eventId and alertId."
            })
    static final class Replay extends DeadLetterCommand.Replaying {
        @Override
        protected DeadLetters source() {
            return DeadLetters.DLQ;
        }
    }
}
