package dev.p2pchat.tracker.registry;

/**
 * Counts by {@code long} key (a host or network of {@code SourceKeys}), with open addressing and linear probing.
 *
 * <p>Written instead of a {@code HashMap<Long, Integer>} for the reason {@link OpenHashIndex} is: a map entry and its
 * boxed key cost about 75 bytes, twice per registration when every peer has a host and a network of its own; here a
 * key costs a slot of 12 bytes. Only keys with a count of at least 1 are held, so a count of 0 marks a free slot. The
 * slot starts from a random per-tracker seed, so senders who choose their addresses cannot predict it. The table
 * grows at half full and shrinks at an eighth full.
 */
final class SourceCounts {
    private static final int MIN_CAPACITY = 16;

    private final long seed;
    private long[] keys = new long[MIN_CAPACITY];
    private int[] counts = new int[MIN_CAPACITY];
    private int size;

    SourceCounts(long seed) {
        this.seed = seed;
    }

    /** The count of {@code key}; 0 when it has none. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); counts[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return counts[i];
            }
        }
        return 0;
    }

    void increment(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (counts[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (counts[i] != 0) {
            counts[i]++;
            return;
        }
        if ((size + 1) * 2 > keys.length) {
            resize(keys.length * 2);
            increment(key);
            return;
        }
        keys[i] = key;
        counts[i] = 1;
        size++;
    }

    /** Takes one from the count of {@code key}; a count that reaches 0 frees its slot. */
    void decrement(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (counts[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (counts[i] == 0 || --counts[i] > 0) {
            return;
        }
        size--;
        shiftBackFrom(i, mask);
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
            resize(keys.length / 2);
        }
    }

    private void shiftBackFrom(int i, int mask) {
        // Backward-shift deletion, as in OpenHashIndex: no tombstones, so the table never fills with dead slots.
        int hole = i;
        for (int j = (i + 1) & mask; counts[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                counts[hole] = counts[j];
                counts[j] = 0;
                hole = j;
            }
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[capacity];
        counts = new int[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldCounts[k] != 0) {
                int i = slot(oldKeys[k], mask);
                while (counts[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                counts[i] = oldCounts[k];
            }
        }
    }

    private int slot(long key, int mask) {
        // MurmurHash3's finaliser over the seeded key spreads every input bit over the low bits the mask keeps.
        long h = key ^ seed;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
