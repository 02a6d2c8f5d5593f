package dev.agentmeter.client.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A bounded, FIFO disk queue of serialised events: JSON lines in numbered segment files
 * ({@code events-000000000001.jsonl}). Appends go to the newest segment and are fsynced in batches
 * ({@link #sync()}); replay reads the oldest segment and remembers how far it got in a
 * {@code .pos} file, so a restart resumes there. Not thread-safe: one thread (the tracker's sender)
 * owns it; only {@link #bytes()} may be read from other threads.
 */
public final class Spool implements Closeable {

    private static final String PREFIX = "events-";
    private static final String SUFFIX = ".jsonl";
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final FileChannel lockChannel;
    private FileChannel active;
    private long activeSeq;
    private long activeBytes;
    private int unsynced;
    /** A write failed part-way and could not be cut back: the active segment ends in a torn line. */
    private boolean torn;

    /**
     * Opens (creating if needed) the spool in {@code dir} and locks it for this tracker.
     *
     * @throws SpoolLockedException when another tracker, in this process or another, holds it
     */
    public Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new SpoolLockedException(dir);
            }
            long total = 0;
            for (Path p : segments()) {
                total += Files.size(p);
                activeSeq = Math.max(activeSeq, seq(p));
            }
            bytes.set(total);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool directory " + dir, e);
        }
    }

    /** Bytes on disk, including lines already replayed from a segment not yet deleted. */
    public long bytes() {
        return bytes.get();
    }

    public boolean isEmpty() {
        try {
            return segments().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool directory " + dir, e);
        }
    }

    /** Unsynced appends since the last {@link #sync()}. */
    public int unsynced() {
        return unsynced;
    }

    /**
     * Appends one event (a single line of JSON). Returns false, writing nothing, when the spool
     * would grow past its bound.
     */
    public boolean append(byte[] json) throws IOException {
        long size = json.length + 1L;
        if (bytes.get() + size > maxBytes) {
            return false;
        }
        if (active == null || activeBytes + size > SEGMENT_BYTES || torn) {
            roll(); // after a torn write, the next line starts a segment of its own: it never joins the torn one
        }
        ByteBuffer buf =
                ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        try {
            while (buf.hasRemaining()) {
                active.write(buf);
            }
        } catch (IOException e) {
            // A full disk can take part of a line: cut the segment back to its last whole line.
            try {
                active.truncate(activeBytes);
            } catch (IOException cannot) {
                torn = true;
            }
            throw e;
        }
        activeBytes += size;
        bytes.addAndGet(size);
        unsynced++;
        return true;
    }

    /** Forces appended lines to disk. */
    public void sync() throws IOException {
        if (active != null && unsynced > 0) {
            active.force(false);
        }
        unsynced = 0;
    }

    /**
     * The oldest segment, for replay. If that is the one being appended to, it is synced and closed
     * first, so new appends start a new segment and replay order stays FIFO.
     */
    public Segment oldest() throws IOException {
        List<Path> all = segments();
        if (all.isEmpty()) {
            return null;
        }
        Path first = all.get(0);
        if (active != null && seq(first) == activeSeq) {
            sync();
            active.close();
            active = null;
        }
        return new Segment(first);
    }

    /**
     * The part of a line that follows a tear, when a spool written before tears were cut back holds a
     * torn event joined with the next one: the last place a contract event starts
     * (<code>{"schemaVersion":</code>), or null when there is none after the line's start.
     */
    public static byte[] afterTear(byte[] line) {
        byte[] start = "{\"schemaVersion\":".getBytes(StandardCharsets.US_ASCII);
        for (int i = line.length - start.length; i > 0; i--) {
            if (line[i] == '{' && regionMatches(line, i, start)) {
                byte[] tail = new byte[line.length - i];
                System.arraycopy(line, i, tail, 0, tail.length);
                return tail;
            }
        }
        return null;
    }

    private static boolean regionMatches(byte[] line, int from, byte[] what) {
        for (int j = 0; j < what.length; j++) {
            if (line[from + j] != what[j]) {
                return false;
            }
        }
        return true;
    }

    /** Syncs and closes the active segment and releases the directory lock. */
    @Override
    public void close() throws IOException {
        try {
            if (active != null) {
                sync();
                active.close();
                active = null;
            }
        } finally {
            lockChannel.close();
        }
    }

    public Path directory() {
        return dir;
    }

    /** Another tracker holds this spool directory. */
    public static final class SpoolLockedException extends RuntimeException {
        public SpoolLockedException(Path dir) {
            super("spool directory " + dir + " is in use by another tracker");
        }
    }

    private void roll() throws IOException {
        if (active != null) {
            sync();
            active.close();
            active = null;
        }
        torn = false;
        activeSeq++;
        activeBytes = 0;
        active = FileChannel.open(
                dir.resolve(name(activeSeq)),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
                    })
                    .sorted()
                    .toList();
        }
    }

    private static String name(long seq) {
        return String.format("%s%012d%s", PREFIX, seq, SUFFIX);
    }

    private static long seq(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }

    /** A closed segment being replayed. */
    public final class Segment {
        private final Path path;
        private final Path posFile;

        private Segment(Path path) {
            this.path = path;
            this.posFile = path.resolveSibling(path.getFileName() + ".pos");
        }

        public Path path() {
            return path;
        }

        /**
         * The lines not delivered yet. A last line without its newline (a write cut short by a
         * crash) is not returned: it was never synced, so it never counted as spooled.
         */
        public List<byte[]> pendingLines() throws IOException {
            byte[] all = Files.readAllBytes(path);
            int skip = position();
            List<byte[]> lines = new ArrayList<>();
            int start = 0;
            int index = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    if (index++ >= skip && i > start) {
                        byte[] line = new byte[i - start];
                        System.arraycopy(all, start, line, 0, line.length);
                        lines.add(line);
                    }
                    start = i + 1;
                }
            }
            return lines;
        }

        /** Records that the first {@code delivered} pending lines reached Kafka. */
        public void advance(int delivered) throws IOException {
            Files.writeString(posFile, Integer.toString(position() + delivered), StandardCharsets.UTF_8);
        }

        /** Deletes the fully replayed segment. */
        public void delete() throws IOException {
            long size = Files.size(path);
            Files.deleteIfExists(path);
            Files.deleteIfExists(posFile);
            bytes.addAndGet(-size);
        }

        private int position() throws IOException {
            if (!Files.exists(posFile)) {
                return 0;
            }
            String text = Files.readString(posFile, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? 0 : Integer.parseInt(text);
        }
    }
}
