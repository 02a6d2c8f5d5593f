package dev.agentmeter.cli.recover;

import picocli.CommandLine.Command;

/** The processor's rejected events: why, and re-driving them once the cause is fixed. */
@Command(
        name = "rejected",
        mixinStandardHelpOptions = true,
        description = {
            "Events the processor rejected: counts by reason and the newest ones.",
            "`rejected replay` re-publishes them to the raw topic once the cause is fixed (e.g. a limit raised)."
        },
        subcommands = RejectedCommand.Replay.class)
public final class RejectedCommand extends DeadLetterCommand.Listing {

    @Override
    protected DeadLetters source() {
        return DeadLetters.REJECTED;
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Re-publish rejected events (original bytes and key) to the raw topic.",
                "Safe to run twice: eventIds are kept, so each event is counted once."
            })
    static final class Replay extends DeadLetterCommand.Replaying {
        @Override
        protected DeadLetters source() {
            return DeadLetters.REJECTED;
        }
    }
}
