package dev.p2pchat.tracker.registry;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A hash index of registrations by one byte-array field, with open addressing and linear probing.
 *
 * <p>Written instead of a {@code HashMap} because a map entry plus a key object would cost more heap per peer
 * than the registration itself; here a peer costs one array slot. The hash starts from a random per-tracker
 * seed: not a keyed cryptographic hash, but senders who choose names cannot predict their slots. The table
 * grows at half full and shrinks at an eighth full, so walking it costs what the live peers cost.
 */
final class OpenHashIndex {
    private static final int MIN_CAPACITY = 16;

    private final Function<Registration, byte[]> keyOf;
    private final long seed;
    private Registration[] slots = new Registration[MIN_CAPACITY];
    private int size;

    OpenHashIndex(Function<Registration, byte[]> keyOf, long seed) {
        this.keyOf = keyOf;
        this.seed = seed;
    }

    int size() {
        return size;
    }

    int capacity() {
        return slots.length;
    }

    Registration get(byte[] key) {
        int mask = slots.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Registration candidate = slots[i];
            if (candidate == null || Arrays.equals(keyOf.apply(candidate), key)) {
                return candidate;
            }
        }
    }

    /** Adds {@code registration}, whose key must not be present yet. */
    void add(Registration registration) {
        if ((size + 1) * 2 > slots.length) {
            resize(slots.length * 2);
        }
        insert(slots, registration);
        size++;
    }

    /** Removes the registration stored under {@code key}, if any. */
    void remove(byte[] key) {
        int mask = slots.length - 1;
        int i = slot(key);
        while (slots[i] != null && !Arrays.equals(keyOf.apply(slots[i]), key)) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return;
        }
        slots[i] = null;
        size--;
        shiftBackFrom(i, mask);
        if (slots.length > MIN_CAPACITY && size * 8 < slots.length) {
            resize(slots.length / 2);
        }
    }

    private void shiftBackFrom(int i, int mask) {
        // Backward-shift deletion: move later members of the probe run into the hole, so lookups need no
        // tombstones and the table never fills with dead slots.
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = slot(keyOf.apply(slots[j]));
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots[hole] = slots[j];
                slots[j] = null;
                hole = j;
            }
        }
    }

    /** The registration in slot {@code index}, or null; for walking the table in a stable order. */
    Registration at(int index) {
        return slots[index];
    }

    private void resize(int capacity) {
        Registration[] resized = new Registration[capacity];
        for (Registration registration : slots) {
            if (registration != null) {
                insert(resized, registration);
            }
        }
        slots = resized;
    }

    private void insert(Registration[] table, Registration registration) {
        int mask = table.length - 1;
        int i = slot(keyOf.apply(registration), mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = registration;
    }

    private int slot(byte[] key) {
        return slot(key, slots.length - 1);
    }

    private int slot(byte[] key, int mask) {
        long h = seed;
        for (byte b : key) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        // MurmurHash3's finaliser spreads every input bit over the low bits the mask keeps.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
