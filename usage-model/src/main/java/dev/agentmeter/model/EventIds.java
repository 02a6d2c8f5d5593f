package dev.agentmeter.model;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New eventIds: UUID version 7 (RFC 9562), the creation millisecond first, then 74 random bits.
 * The processor remembers every eventId for the de-duplication retention in a RocksDB store keyed
 * by the id; ids that begin with their time are written next to the newest ones instead of at a
 * random place among millions, which keeps the store's compactions small. Any other id a sender
 * chooses works the same, only a little slower to store. {@link ThreadLocalRandom} rather than
 * {@code SecureRandom}: the ids need to be unique, not unguessable, and agents create them on their
 * own threads.
 */
public final class EventIds {

    private EventIds() {}

    public static String next() {
        return next(System.currentTimeMillis());
    }

    /** A version-7 UUID for the millisecond {@code epochMillis}. */
    public static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
