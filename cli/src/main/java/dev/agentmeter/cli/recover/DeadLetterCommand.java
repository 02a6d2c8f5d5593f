package dev.agentmeter.cli.recover;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentmeter.cli.Endpoints;
import dev.agentmeter.cli.kafka.KafkaIo;
import dev.agentmeter.model.Topics;
import dev.agentmeter.model.json.ContractJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code agentmeter rejected} and {@code agentmeter dlq} share: counts by reason and the newest
 * records of a dead-letter topic, and re-publishing chosen records where they came from.
 */
public abstract class DeadLetterCommand implements Runnable {

    @Mixin
    protected Endpoints endpoints;

    @Spec
    protected CommandSpec spec;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description = "Only records stored since: a duration back"
                    + " (24h, 7d, 30m), a date (2026-12-01, UTC) or an instant.")
    protected String since;

    @Option(
            names = "--reason",
            paramLabel = "RULE|TEXT",
            description = "Only records whose rule is this" + " (e.g. notInFuture) or whose reason contains this text.")
    protected String reason;

    protected abstract DeadLetters source();

    /** The records chosen by --since and --reason, oldest first. */
    protected List<DeadLetters.Letter> chosen() {
        Instant from = parseSince();
        List<DeadLetters.Letter> all = new ArrayList<>(source().read(endpoints.kafka, from));
        all.removeIf(l -> !l.matches(reason));
        all.sort(Comparator.comparing(DeadLetters.Letter::timestamp)
                .thenComparing(DeadLetters.Letter::partition)
                .thenComparingLong(DeadLetters.Letter::offset));
        return all;
    }

    /** Counts by reason and the newest {@code limit} records, as a table or JSON. */
    protected void list(int limit, boolean json) {
        List<DeadLetters.Letter> letters = chosen();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DeadLetters.Letter l : letters) {
            counts.merge(l.rule() + "\t" + l.field(), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> byReason = new ArrayList<>(counts.entrySet());
        byReason.sort(
                Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<DeadLetters.Letter> newest = letters.subList(Math.max(0, letters.size() - limit), letters.size());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = ContractJson.mapper().createObjectNode();
            root.put("topic", source().topic());
            root.put("total", letters.size());
            ArrayNode reasons = root.putArray("byReason");
            byReason.forEach(e -> reasons.addObject()
                    .put("rule", e.getKey().split("\t", 2)[0])
                    .put("field", e.getKey().split("\t", 2)[1])
                    .put("count", e.getValue()));
            ArrayNode records = root.putArray("records");
            for (int i = newest.size() - 1; i >= 0; i--) {
                DeadLetters.Letter l = newest.get(i);
                records.addObject()
                        .put("timestamp", l.timestamp().toString())
                        .put("partition", l.partition())
                        .put("offset", l.offset())
                        .put("eventId", l.eventId())
                        .put("rule", l.rule())
                        .put("field", l.field())
                        .put("reason", l.reason())
                        .put("replayTopic", l.replayTopic());
            }
            out.println(root.toPrettyString());
            return;
        }
        out.printf(
                "%s: %d record%s%s%n",
                source().topic(),
                letters.size(),
                letters.size() == 1 ? "" : "s",
                since == null ? "" : " since " + parseSince());
        if (letters.isEmpty()) {
            return;
        }
        out.println();
        out.println("by reason:");
        for (Map.Entry<String, Integer> e : byReason) {
            String[] ruleField = e.getKey().split("\t", 2);
            out.printf("  %6d  %-24s %s%n", e.getValue(), ruleField[0], ruleField[1]);
        }
        out.println();
        out.printf("newest %d:%n", newest.size());
        for (int i = newest.size() - 1; i >= 0; i--) {
            DeadLetters.Letter l = newest.get(i);
            out.printf(
                    "  %s  %s%s%n      %s%n",
                    l.timestamp(),
                    l.origin(),
                    l.eventId() == null ? "" : "  eventId " + l.eventId(),
                    (l.field().isEmpty() ? "" : l.field() + ": ") + l.reason());
        }
    }

    /**
     * Re-publishes the chosen records (original key and value; the error headers replaced by
     * {@value Topics#HEADER_REPLAYED_FROM}) to where each came from, and waits for every acknowledgement.
     */
    protected void replay(boolean dryRun) {
        PrintWriter out = spec.commandLine().getOut();
        // A record rejected from one of the processor's repartition topics is in its internal format, and
        // only garbage ends up rejected there: nothing a replay could fix.
        List<DeadLetters.Letter> letters = new ArrayList<>();
        int internal = 0;
        for (DeadLetters.Letter l : chosen()) {
            if (l.replayTopic().endsWith("-repartition")) {
                internal++;
            } else {
                letters.add(l);
            }
        }
        if (internal > 0) {
            out.printf(
                    "%d record%s rejected from the processor's repartition topics %s not replayed (internal format)%n",
                    internal, internal == 1 ? "" : "s", internal == 1 ? "is" : "are");
        }
        Map<String, Integer> byTopic = new LinkedHashMap<>();
        letters.forEach(l -> byTopic.merge(l.replayTopic(), 1, Integer::sum));
        if (dryRun) {
            out.printf(
                    "dry run: would replay %d record%s%s; nothing was published%n",
                    letters.size(), letters.size() == 1 ? "" : "s", describe(byTopic));
            letters.forEach(l -> out.printf(
                    "  %s%s -> %s  (%s)%n",
                    l.origin(), l.eventId() == null ? "" : " eventId " + l.eventId(), l.replayTopic(), l.rule()));
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaIo.bytesProducer(endpoints.kafka)) {
            for (DeadLetters.Letter l : letters) {
                RecordHeaders headers = new RecordHeaders();
                for (Header h : l.headers()) {
                    if (!h.key().startsWith("agentmeter.error.")
                            && !h.key().startsWith("agentmeter.source.")
                            && !h.key().startsWith("__connect.errors.")
                            && !h.key().equals(Topics.HEADER_REPLAYED_FROM)) {
                        headers.add(h);
                    }
                }
                headers.add(Topics.HEADER_REPLAYED_FROM, l.origin().getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(new ProducerRecord<>(l.replayTopic(), null, null, l.key(), l.value(), headers)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "replay stopped: Kafka at " + endpoints.kafka + " did not take every record (" + e.getMessage()
                            + "); running it again is safe, eventIds are kept",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        out.printf(
                "replayed %d record%s%s; their eventIds are kept, so the pipeline counts each once however"
                        + " often they are replayed%n",
                letters.size(), letters.size() == 1 ? "" : "s", describe(byTopic));
    }

    private static String describe(Map<String, Integer> byTopic) {
        if (byTopic.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        byTopic.forEach((t, n) -> parts.add(n + " to " + t));
        return " (" + String.join(", ", parts) + ")";
    }

    private Instant parseSince() {
        if (since == null) {
            return null;
        }
        String s = since.trim();
        try {
            if (s.matches("\\d+[mhdw]")) {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                Duration d = switch (s.charAt(s.length() - 1)) {
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
                return Instant.now().minus(d);
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(s.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--since: '" + since
                            + "' is not a duration back (24h, 7d), a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)");
        }
    }

    /** A dead-letter topic's list command: counts by reason and the newest records. */
    public abstract static class Listing extends DeadLetterCommand {
        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "Newest records shown (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Counts and records as JSON.")
        boolean json;

        @Override
        public void run() {
            list(limit, json);
        }
    }

    /** A dead-letter topic's replay command. */
    public abstract static class Replaying extends DeadLetterCommand {
        @Option(names = "--dry-run", description = "List what would be replayed; publish nothing.")
        boolean dryRun;

        @Override
        public void run() {
            replay(dryRun);
        }
    }
}
