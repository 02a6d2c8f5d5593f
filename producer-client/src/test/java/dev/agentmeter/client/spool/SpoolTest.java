package dev.agentmeter.client.spool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private static List<String> text(List<byte[]> lines) {
        return lines.stream().map(b -> new String(b, UTF_8)).toList();
    }

    @Test
    void linesComeBackInOrderAndSurviveReopening() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(spool.append(("{\"n\":" + i + "}").getBytes(UTF_8))).isTrue();
            }
            spool.sync();
        }
        try (Spool spool = new Spool(dir, 1 << 20)) {
            assertThat(spool.bytes()).isEqualTo(24);
            assertThat(text(spool.oldest().pendingLines())).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void replayPositionIsRememberedAndDeleteEmptiesTheSpool() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            for (int i = 1; i <= 5; i++) {
                spool.append(("e" + i).getBytes(UTF_8));
            }
            Spool.Segment seg = spool.oldest();
            seg.advance(2);
            assertThat(text(seg.pendingLines())).containsExactly("e3", "e4", "e5");
            seg.advance(3);
            assertThat(seg.pendingLines()).isEmpty();
            seg.delete();
            assertThat(spool.isEmpty()).isTrue();
            assertThat(spool.bytes()).isZero();
        }
    }

    @Test
    void appendsDuringReplayGoToANewSegmentBehindTheOldOne() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append("old".getBytes(UTF_8));
            Spool.Segment first = spool.oldest();
            spool.append("new".getBytes(UTF_8));
            assertThat(text(first.pendingLines())).containsExactly("old");
            first.delete();
            assertThat(text(spool.oldest().pendingLines())).containsExactly("new");
        }
    }

    @Test
    void fullSpoolRefusesNewLines() throws Exception {
        try (Spool spool = new Spool(dir, 10)) {
            assertThat(spool.append("1234".getBytes(UTF_8))).isTrue();
            assertThat(spool.append("abcd".getBytes(UTF_8))).isTrue();
            assertThat(spool.append("x".getBytes(UTF_8))).isFalse();
            assertThat(spool.bytes()).isEqualTo(10);
        }
    }

    @Test
    void aTornLastLineFromACrashIsIgnored() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append("complete".getBytes(UTF_8));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".jsonl"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.writeString(segment, "{\"torn", StandardOpenOption.APPEND);
        try (Spool spool = new Spool(dir, 1 << 20)) {
            assertThat(text(spool.oldest().pendingLines())).containsExactly("complete");
        }
    }

    @Test
    void oneSpoolDirectoryHasOneOwnerAtATime() throws Exception {
        try (Spool first = new Spool(dir, 1 << 20)) {
            assertThatThrownBy(() -> new Spool(dir, 1 << 20))
                    .isInstanceOf(Spool.SpoolLockedException.class)
                    .hasMessage("spool directory " + dir + " is in use by another tracker");
        }
        try (Spool again = new Spool(dir, 1 << 20)) {
            assertThat(again.directory()).isEqualTo(dir);
        }
    }

    @Test
    void aTornEventJoinedWithTheNextGivesTheNextBack() {
        byte[] joined = "{\"schemaVersion\":1,\"eventId\":\"torn\",\"ti{\"schemaVersion\":1,\"eventId\":\"next\"}"
                .getBytes(UTF_8);

        assertThat(new String(Spool.afterTear(joined), UTF_8)).isEqualTo("{\"schemaVersion\":1,\"eventId\":\"next\"}");
    }

    @Test
    void aLineWithoutATearHasNothingAfterIt() {
        assertThat(Spool.afterTear("{\"schemaVersion\":1,\"eventId\":\"whole\"}".getBytes(UTF_8)))
                .isNull();
        assertThat(Spool.afterTear("garbage".getBytes(UTF_8))).isNull();
    }

    @Test
    void afterAReopenTheNextLineNeverJoinsATornOne() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append("complete".getBytes(UTF_8));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.write(segment, "{\"half".getBytes(UTF_8), StandardOpenOption.APPEND); // a write cut short
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append("after".getBytes(UTF_8));
            List<String> lines = new ArrayList<>();
            Spool.Segment s;
            while ((s = spool.oldest()) != null) {
                lines.addAll(text(s.pendingLines()));
                s.delete();
            }
            assertThat(lines).containsExactly("complete", "after");
        }
    }
}
