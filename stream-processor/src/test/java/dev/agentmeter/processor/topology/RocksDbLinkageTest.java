package dev.agentmeter.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;

/**
 * The parent pom pins RocksDB (10.10.1.1) above the version Kafka Streams 4.3.1 was built with
 * (10.1.3), whose JNI get() costs a C++ exception for every key not found. This reads every
 * RocksDB method and constructor the kafka-streams jar refers to (its classes' constant pools)
 * and resolves each against the RocksDB on the classpath, so an upgrade of either side that
 * breaks a call Kafka Streams makes fails here instead of in a running store.
 */
class RocksDbLinkageTest {

    @Test
    void everyRocksDbMethodKafkaStreamsCallsExistsExceptTwoOnlyAnOperatorsSetterCouldReach() throws Exception {
        List<String> refs = rocksDbMethodRefs(Path.of(KafkaStreams.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI()));
        List<String> missing = new ArrayList<>();
        for (String ref : refs) {
            if (!resolves(ref)) {
                missing.add(ref);
            }
        }

        assertThat(refs).as("RocksDB members kafka-streams refers to").hasSizeGreaterThan(300);
        // Removed in RocksDB 10.5; referred to only by Kafka's options adapter, in its own overrides of
        // the two methods: a RocksDBConfigSetter that calls them fails with NoSuchMethodError.
        assertThat(missing)
                .containsExactly(
                        "org/rocksdb/ColumnFamilyOptions.maxWriteBufferNumberToMaintain()I",
                        "org/rocksdb/ColumnFamilyOptions.setMaxWriteBufferNumberToMaintain(I)Lorg/rocksdb/ColumnFamilyOptions;");
        RocksDB.loadLibrary();
        assertThat(RocksDB.rocksdbVersion().toString()).isEqualTo("10.10.1");
    }

    /** "owner.name(descriptor)" of every Methodref/InterfaceMethodref to org/rocksdb in the jar, sorted. */
    private static List<String> rocksDbMethodRefs(Path jar) throws IOException {
        TreeSet<String> refs = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        readMethodRefs(new DataInputStream(in), refs);
                    }
                }
            }
        }
        refs.removeIf(r -> !r.startsWith("org/rocksdb/"));
        return List.copyOf(refs);
    }

    /** The class file's constant pool: the members it refers to (JVMS 4.4). */
    private static void readMethodRefs(DataInputStream in, Set<String> refs) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        int[] tags = new int[count];
        int[] first = new int[count];
        int[] second = new int[count];
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            tags[i] = in.readUnsignedByte();
            switch (tags[i]) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 9, 10, 11, 12, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tags[i]);
            }
        }
        for (int i = 1; i < count; i++) {
            if (tags[i] == 10 || tags[i] == 11) {
                String owner = utf8[first[first[i]]];
                int nameAndType = second[i];
                refs.add(owner + "." + utf8[first[nameAndType]] + utf8[second[nameAndType]]);
            }
        }
    }

    private static boolean resolves(String ref) throws ClassNotFoundException {
        String owner = ref.substring(0, ref.indexOf('.'));
        String name = ref.substring(owner.length() + 1, ref.indexOf('('));
        String descriptor = ref.substring(ref.indexOf('('));
        if (name.equals("getClass") || name.equals("hashCode") || name.equals("equals") || name.equals("toString")) {
            return true; // Object's, also when called through an interface
        }
        Class<?> type = Class.forName(owner.replace('/', '.'), false, RocksDbLinkageTest.class.getClassLoader());
        return declares(type, name, descriptor);
    }

    private static boolean declares(Class<?> type, String name, String descriptor) {
        if (type == null) {
            return false;
        }
        List<Executable> members = new ArrayList<>(Arrays.asList(type.getDeclaredMethods()));
        members.addAll(Arrays.asList(type.getDeclaredConstructors()));
        for (Executable m : members) {
            String memberName = m instanceof Constructor<?> ? "<init>" : m.getName();
            String returns = m instanceof Method method ? descriptor(method.getReturnType()) : "V";
            StringBuilder d = new StringBuilder("(");
            for (Class<?> p : m.getParameterTypes()) {
                d.append(descriptor(p));
            }
            if (memberName.equals(name)
                    && d.append(')').append(returns).toString().equals(descriptor)) {
                return true;
            }
        }
        if (name.equals("<init>")) {
            return false; // constructors are not inherited
        }
        if (declares(type.getSuperclass(), name, descriptor)) {
            return true;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (declares(i, name, descriptor)) {
                return true;
            }
        }
        return false;
    }

    private static String descriptor(Class<?> c) {
        if (c.isArray()) {
            return "[" + descriptor(c.getComponentType());
        }
        if (!c.isPrimitive()) {
            return "L" + c.getName().replace('.', '/') + ";";
        }
        return switch (c.getName()) {
            case "void" -> "V";
            case "int" -> "I";
            case "long" -> "J";
            case "boolean" -> "Z";
            case "byte" -> "B";
            case "char" -> "C";
            case "short" -> "S";
            case "float" -> "F";
            default -> "D";
        };
    }
}
