package dev.agentmeter.analytics.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Moves whole monthly partitions of the usage table out of PostgreSQL into self-describing files,
 * and back.
 *
 * <p><b>Format: CSV, gzip-compressed</b>, written and read by PostgreSQL's own {@code COPY}, so
 * every value round-trips exactly (numeric as written, jsonb and arrays in their text form), any
 * tool can read it, and the CLI needs no Parquet/Hadoop stack. Beside each file a
 * {@code .manifest.json} names the partition's range, the columns with their SQL types, the row
 * count, {@code sum(total_cost_usd)} and the file's SHA-256.
 *
 * <p><b>Nothing lost.</b> A partition is dropped only after (1) the file has been loaded back into
 * a scratch table and its count and sum match the partition's, (2) the manifest has been written
 * (it is written last, so its presence means a complete export), and (3) under a lock, the
 * partition still holds exactly what was exported. A run killed anywhere leaves either the
 * partition, or the partition and a complete archive; running it again finishes the job. File,
 * manifest and directory are fsynced before the drop, so a power cut after it cannot take the only
 * copy. An archive never overwrites another: rows that arrive late for an archived month recreate
 * its partition, and archiving that again writes a second generation ({@code <partition>.g2.csv.gz}
 * and its manifest) beside the first; {@code restore} takes either.
 *
 * <p><b>Manifests are input.</b> Every field is checked before it is used (the partition name and
 * the column names go into SQL, the file name into a path): a manifest edited or written by anyone
 * else cannot make a restore touch another table or file.
 *
 * <p><b>Roll-up.</b> The hourly roll-up ({@code <table>_hourly}) keeps its sums for archived
 * months, so reports over whole hours keep their totals after the cut; restoring inserts straight
 * into the partition, which the roll-up's statement trigger (on the parent) does not see, so the
 * restored rows are not counted twice.
 */
public final class Archiver {

    public static final String FORMAT = "agentmeter-archive/1";
    private static final Pattern MONTHLY = Pattern.compile("_y(\\d{4})m(\\d{2})$");
    private static final ObjectMapper JSON = ContractJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final String table;
    private final Path dir;
    private final Clock clock;
    /** Test seam: runs between a verified export and the drop (an interrupted run throws here). */
    private final Runnable afterExport;

    public Archiver(String table, Path dir, Clock clock) {
        this(table, dir, clock, () -> {});
    }

    Archiver(String table, Path dir, Clock clock, Runnable afterExport) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.table = table;
        this.dir = dir;
        this.clock = clock;
        this.afterExport = afterExport;
    }

    /**
     * One monthly partition: {@code [from, to)} in UTC. The sink's {@code <table>_ensure_partition}
     * names partitions; here a name is read from the catalog or the function, and only checked
     * against the rule ({@link #of}) where it comes from a manifest, which is input.
     */
    public record Partition(String name, YearMonth month, Instant from, Instant to) {
        static Partition named(String name, YearMonth month) {
            return new Partition(
                    name,
                    month,
                    month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }

        /** The name the sink's SQL gives the month's partition ({@code <table>_yYYYYmMM}). */
        static Partition of(String table, YearMonth month) {
            return named(String.format("%s_y%04dm%02d", table, month.getYear(), month.getMonthValue()), month);
        }
    }

    public record Column(String name, String type) {}

    /** {@code generation}: 1 for the first archive of a partition, 2 for the one after late rows, …; null reads as 1. */
    public record Manifest(
            String format,
            String table,
            String partition,
            Instant from,
            Instant to,
            List<Column> columns,
            long rowCount,
            BigDecimal sumTotalCostUsd,
            String sha256,
            String file,
            Instant createdAt,
            Integer generation) {}

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COLUMN_TYPE = Pattern.compile("[a-z][a-z0-9 _(),\\[\\]]{0,60}");
    private static final int MAX_GENERATIONS = 1000;

    /** What one partition's archive did (or, in a dry run, would do). */
    public record Outcome(Partition partition, long rows, BigDecimal sumTotalCostUsd, Path file, boolean dropped) {}

    /** What a restore did: rows inserted, and rows already present (a restore run twice inserts none). */
    public record Restored(
            String partition, long inserted, long alreadyPresent, long rowCount, BigDecimal sumTotalCostUsd) {}

    /** A listing line: an archive file, a partition in the database, or both. */
    public record Entry(String partition, boolean inDatabase, long rowsInDatabase, Manifest archive) {}

    /** The monthly partitions attached to the table, oldest first. */
    public List<Partition> partitions(Connection c) throws SQLException {
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = to_regclass(?) ORDER BY c.relname")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Matcher m = MONTHLY.matcher(r.getString(1));
                    if (r.getString(1).startsWith(table + "_y") && m.find()) {
                        out.add(Partition.named(
                                r.getString(1),
                                YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Archives every whole month that ended at or before {@code horizon}: export, verify, drop.
     * A dry run reads the counts and sums and changes nothing, in the database or on disk.
     */
    public List<Outcome> archive(Connection c, Instant horizon, boolean dryRun) throws SQLException, IOException {
        List<Outcome> out = new ArrayList<>();
        for (Partition p : partitions(c)) {
            if (p.to().isAfter(horizon)) {
                continue;
            }
            Path file = dir.resolve(p.name() + ".csv.gz");
            if (dryRun) {
                Totals t = totals(c, p.name());
                out.add(new Outcome(p, t.rows(), t.sum(), file, false));
                continue;
            }
            // A run killed after its export left a complete archive of exactly these rows: that one is
            // dropped against, not written again as another generation.
            Totals now = totals(c, p.name());
            Manifest m = latest(p.name())
                    .filter(a ->
                            a.rowCount() == now.rows() && a.sumTotalCostUsd().compareTo(now.sum()) == 0)
                    .orElse(null);
            if (m == null) {
                m = export(c, p);
            }
            afterExport.run();
            drop(c, p, m);
            out.add(new Outcome(p, m.rowCount(), m.sumTotalCostUsd(), file, true));
        }
        return out;
    }

    /** Writes the partition's file and manifest, verified by loading the file back. */
    public Manifest export(Connection c, Partition p) throws SQLException, IOException {
        Files.createDirectories(dir);
        List<Column> columns = columns(c);
        String list = columnList(columns);
        int generation = nextGeneration(p.name());
        String base = baseName(p.name(), generation);
        Path file = dir.resolve(base + ".csv.gz");
        Path tmp = dir.resolve(base + ".csv.gz.part");
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        Totals totals;
        String sha;
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // count, sum and rows: one snapshot
            totals = totals(c, p.name());
            MessageDigest digest = sha256();
            try (OutputStream out =
                    new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(tmp), digest), 1 << 16)) {
                copy(c).copyOut(
                                "COPY (SELECT " + list + " FROM " + p.name()
                                        + " ORDER BY occurred_at, event_id) TO STDOUT" + " (FORMAT csv, HEADER)",
                                out);
            }
            sha = HexFormat.of().formatHex(digest.digest());
            c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(auto);
        }
        Totals reread = load(c, tmp, columns, null);
        if (reread.rows() != totals.rows() || reread.sum().compareTo(totals.sum()) != 0) {
            throw new IllegalStateException("archive of " + p.name() + " does not read back: " + reread
                    + " in the file, " + totals + " in the partition; nothing dropped");
        }
        fsync(tmp);
        Files.move(
                tmp, file, StandardCopyOption.ATOMIC_MOVE); // never REPLACE_EXISTING: a generation is never overwritten
        Manifest m = new Manifest(
                FORMAT,
                table,
                p.name(),
                p.from(),
                p.to(),
                columns,
                totals.rows(),
                totals.sum(),
                sha,
                file.getFileName().toString(),
                clock.instant(),
                generation);
        Path manifest = dir.resolve(base + ".manifest.json");
        Path manifestTmp = dir.resolve(base + ".manifest.json.part");
        JSON.writeValue(manifestTmp.toFile(), m);
        fsync(manifestTmp);
        Files.move(manifestTmp, manifest, StandardCopyOption.ATOMIC_MOVE);
        fsync(dir); // the renames themselves: without this a crash may leave neither name on disk
        return m;
    }

    /** The newest complete archive (manifest present) of {@code partition} in the directory. */
    private Optional<Manifest> latest(String partition) throws IOException {
        Manifest found = null;
        for (int g = 1; g <= MAX_GENERATIONS; g++) {
            Path manifest = dir.resolve(baseName(partition, g) + ".manifest.json");
            if (!Files.exists(manifest)) {
                if (!Files.exists(dir.resolve(baseName(partition, g) + ".csv.gz"))) {
                    break;
                }
                continue;
            }
            found = checked(JSON.readValue(manifest.toFile(), Manifest.class), manifest);
        }
        return Optional.ofNullable(found);
    }

    /** The first generation of {@code partition} with neither a file nor a manifest in the directory. */
    private int nextGeneration(String partition) throws IOException {
        for (int g = 1; g <= MAX_GENERATIONS; g++) {
            String base = baseName(partition, g);
            if (!Files.exists(dir.resolve(base + ".csv.gz")) && !Files.exists(dir.resolve(base + ".manifest.json"))) {
                return g;
            }
        }
        throw new IOException(MAX_GENERATIONS + " archives of " + partition + " in " + dir + " already");
    }

    static String baseName(String partition, int generation) {
        return generation == 1 ? partition : partition + ".g" + generation;
    }

    /** Forces a file, or a directory's entries, to disk. */
    static void fsync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // Some file systems cannot open a directory for fsync; the file fsyncs above still hold.
        }
    }

    /** Detaches and drops the partition, if it still holds exactly what the manifest describes. */
    public void drop(Connection c, Partition p, Manifest m) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // The parent first: the sink locks parent then partition, so the same order cannot deadlock with it.
            s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            Totals now = totals(c, p.name());
            if (now.rows() != m.rowCount() || now.sum().compareTo(m.sumTotalCostUsd()) != 0) {
                throw new IllegalStateException(p.name() + " changed since its export (" + now + " now, " + m.rowCount()
                        + " rows, $" + m.sumTotalCostUsd().toPlainString()
                        + " archived): run archive again; nothing dropped");
            }
            s.execute("ALTER TABLE " + table + " DETACH PARTITION " + p.name());
            s.execute("DROP TABLE " + p.name());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Loads an archive back (the {@code .csv.gz} or its manifest): checks the SHA-256, re-creates the
     * partition if it is gone, and inserts every archived row not already there. Idempotent.
     */
    public Restored restore(Connection c, Path fileOrManifest) throws SQLException, IOException {
        String name = fileOrManifest.getFileName().toString().replaceFirst("\\.(csv\\.gz|manifest\\.json)$", "");
        Path base = fileOrManifest.toAbsolutePath().getParent();
        Manifest m =
                checked(JSON.readValue(base.resolve(name + ".manifest.json").toFile(), Manifest.class), fileOrManifest);
        Path file = base.resolve(m.file());
        String sha = sha256Of(file);
        if (!sha.equals(m.sha256())) {
            throw new IllegalStateException(file + " is damaged: SHA-256 " + sha + ", manifest says " + m.sha256());
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            try (PreparedStatement ensure = c.prepareStatement("SELECT " + table + "_ensure_partition(?)")) {
                ensure.setObject(1, m.from().atOffset(ZoneOffset.UTC));
                try (ResultSet r = ensure.executeQuery()) {
                    r.next();
                    if (!m.partition().equals(r.getString(1))) {
                        throw new IllegalStateException("the database holds " + m.from() + " in " + r.getString(1)
                                + ", the manifest names " + m.partition() + "; nothing restored");
                    }
                }
            }
            Totals loaded = load(c, file, m.columns(), "am_restore");
            if (loaded.rows() != m.rowCount() || loaded.sum().compareTo(m.sumTotalCostUsd()) != 0) {
                throw new IllegalStateException(file + " holds " + loaded + ", its manifest " + m.rowCount() + " rows");
            }
            String list = columnList(m.columns());
            // Into the partition itself: the roll-up trigger on the parent still holds these rows' sums.
            long inserted = s.executeUpdate("INSERT INTO " + m.partition() + " (" + list + ") SELECT " + list
                    + " FROM am_restore ON CONFLICT DO NOTHING");
            c.commit();
            return new Restored(m.partition(), inserted, m.rowCount() - inserted, m.rowCount(), m.sumTotalCostUsd());
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * The manifest, if every field is what this table's archiver writes; else why not. Its partition
     * and column names go into SQL and its file name into a path.
     */
    Manifest checked(Manifest m, Path from) {
        List<String> wrong = new ArrayList<>();
        if (!FORMAT.equals(m.format())) {
            wrong.add("format is " + m.format() + ", not " + FORMAT);
        }
        if (!table.equals(m.table())) {
            wrong.add("table is " + m.table() + ", not " + table);
        }
        Matcher month = m.partition() == null ? null : MONTHLY.matcher(m.partition());
        Partition expected = null;
        if (month == null || !m.partition().matches(Pattern.quote(table) + "_y\\d{4}m\\d{2}") || !month.find()) {
            wrong.add("partition " + m.partition() + " is not a monthly partition of " + table);
        } else {
            expected = Partition.of(
                    table, YearMonth.of(Integer.parseInt(month.group(1)), Integer.parseInt(month.group(2))));
            if (!expected.from().equals(m.from()) || !expected.to().equals(m.to())) {
                wrong.add("from/to " + m.from() + "/" + m.to() + " are not the month of " + m.partition());
            }
        }
        int generation = m.generation() == null ? 1 : m.generation();
        if (generation < 1 || generation > MAX_GENERATIONS) {
            wrong.add("generation " + generation + " is out of 1.." + MAX_GENERATIONS);
        } else if (expected != null && !(baseName(m.partition(), generation) + ".csv.gz").equals(m.file())) {
            wrong.add("file " + m.file() + " is not " + baseName(m.partition(), generation) + ".csv.gz");
        }
        if (m.columns() == null || m.columns().isEmpty()) {
            wrong.add("no columns");
        } else {
            for (Column col : m.columns()) {
                if (col == null
                        || col.name() == null
                        || !col.name().matches("[a-z_][a-z0-9_]{0,62}")
                        || col.type() == null
                        || !COLUMN_TYPE.matcher(col.type()).matches()) {
                    wrong.add("column " + col + " is not a plain column name and type");
                    break;
                }
            }
        }
        if (m.rowCount() < 0) {
            wrong.add("rowCount " + m.rowCount() + " is negative");
        }
        if (m.sumTotalCostUsd() == null
                || m.sumTotalCostUsd().precision() > 40
                || m.sumTotalCostUsd().scale() > 40
                || m.sumTotalCostUsd().scale() < -40) {
            wrong.add("sumTotalCostUsd is missing or not an amount");
        }
        if (m.sha256() == null || !SHA256.matcher(m.sha256()).matches()) {
            wrong.add("sha256 is not 64 hex digits");
        }
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException(
                    from + " is not a usable " + FORMAT + " manifest of " + table + ": " + String.join("; ", wrong));
        }
        return m;
    }

    /** Archives in the directory and partitions in the database, by partition name. */
    public List<Entry> list(Connection c) throws SQLException, IOException {
        // Keyed by file: a partition archived twice (late rows) has two generations, each listed.
        Map<String, Entry> byFile = new TreeMap<>();
        Map<String, Long> inDatabase = new TreeMap<>();
        for (Partition p : partitions(c)) {
            inDatabase.put(p.name(), totals(c, p.name()).rows());
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".manifest.json"))
                        .sorted()
                        .toList()) {
                    Manifest m = checked(JSON.readValue(f.toFile(), Manifest.class), f);
                    Long rows = inDatabase.get(m.partition());
                    byFile.put(m.file(), new Entry(m.partition(), rows != null, rows == null ? 0 : rows, m));
                }
            }
        }
        for (Map.Entry<String, Long> p : inDatabase.entrySet()) {
            boolean archived =
                    byFile.values().stream().anyMatch(e -> e.partition().equals(p.getKey()));
            if (!archived) {
                byFile.put(p.getKey() + ".csv.gz", new Entry(p.getKey(), true, p.getValue(), null));
            }
        }
        return List.copyOf(byFile.values());
    }

    /** {@code now} minus "90d", "12w" or "3m" (calendar months, UTC). */
    public static Instant horizon(Instant now, String olderThan) {
        Matcher m = Pattern.compile("(\\d+)([dwm])").matcher(olderThan == null ? "" : olderThan.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--older-than takes Nd, Nw or Nm (e.g. 90d), not " + olderThan);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> now.minus(Duration.ofDays(n));
            case "w" -> now.minus(Duration.ofDays(7 * n));
            default -> now.atOffset(ZoneOffset.UTC).minusMonths(n).toInstant();
        };
    }

    public Clock clock() {
        return clock;
    }

    /** The manifest of a partition's first archive (later generations: {@code <partition>.gN.manifest.json}). */
    public Path manifestPath(String partition) {
        return dir.resolve(partition + ".manifest.json");
    }

    private record Totals(long rows, BigDecimal sum) {
        @Override
        public String toString() {
            return rows + " rows, $" + sum.toPlainString();
        }
    }

    private static Totals totals(Connection c, String relation) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(total_cost_usd), 0) FROM " + relation)) {
            r.next();
            return new Totals(r.getLong(1), r.getBigDecimal(2));
        }
    }

    /** COPYs the file into a scratch table (kept as {@code keepAs}, else dropped) and returns its totals. */
    private Totals load(Connection c, Path file, List<Column> columns, String keepAs) throws SQLException, IOException {
        String scratch = keepAs != null ? keepAs : "am_verify";
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp." + scratch);
            s.execute("CREATE TEMP TABLE " + scratch + " (LIKE " + table + " INCLUDING DEFAULTS)");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                copy(c).copyIn(
                                "COPY " + scratch + " (" + columnList(columns) + ") FROM STDIN (FORMAT csv, HEADER)",
                                in);
            }
            Totals t = totals(c, scratch);
            if (keepAs == null) {
                s.execute("DROP TABLE " + scratch);
            }
            return t;
        }
    }

    private List<Column> columns(Connection c) throws SQLException {
        List<Column> out = new ArrayList<>();
        // Generated columns (cache_savings_usd) are computed again on restore; they cannot be COPYed in.
        try (PreparedStatement s = c.prepareStatement("SELECT column_name, format_type(a.atttypid, a.atttypmod)"
                + " FROM information_schema.columns col JOIN pg_attribute a"
                + " ON a.attrelid = to_regclass(col.table_name) AND a.attname = col.column_name"
                + " WHERE col.table_schema = current_schema() AND col.table_name = ? AND col.is_generated = 'NEVER'"
                + " ORDER BY col.ordinal_position")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Column(r.getString(1), r.getString(2)));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no table " + table + " in the current schema");
        }
        return out;
    }

    private static String columnList(List<Column> columns) {
        StringBuilder b = new StringBuilder();
        for (Column col : columns) {
            if (!col.name().matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("unexpected column name " + col.name());
            }
            b.append(b.length() == 0 ? "" : ", ").append(col.name());
        }
        return b.toString();
    }

    private static CopyManager copy(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Of(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
