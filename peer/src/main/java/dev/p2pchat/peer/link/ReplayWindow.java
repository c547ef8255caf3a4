package dev.p2pchat.peer.link;

/**
 * Which transport counters of one key have been seen: a sliding window of {@link #WINDOW} counters behind the
 * highest accepted one, as a ring of 64-bit blocks (WireGuard's {@code replay.Filter}). A counter is accepted once;
 * one that was seen, or is older than the window, is refused. Datagrams may arrive in any order within the window.
 *
 * <p>{@link #mayAccept} is the cheap check before a datagram is opened (a replay is dropped without decrypting it);
 * {@link #accept} records the counter, and is called only once the datagram authenticated, so a forged datagram
 * never moves the window.
 */
final class ReplayWindow {
    private static final int BLOCK_BITS_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BITS_LOG;
    private static final int RING_BLOCKS = 1 << 7;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    private static final int BIT_MASK = BLOCK_BITS - 1;
    /** Counters behind the highest one that are still told apart: 8,128. */
    static final long WINDOW = (long) (RING_BLOCKS - 1) * BLOCK_BITS;

    private final long[] ring = new long[RING_BLOCKS];
    private final long limit;
    private long last;
    private boolean any;

    /** @param limit the first counter never accepted (unsigned): a key is retired before it wraps */
    ReplayWindow(long limit) {
        this.limit = limit;
    }

    /** Whether {@code counter} (unsigned) would be accepted now; changes nothing. */
    boolean mayAccept(long counter) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            return true;
        }
        if (Long.compareUnsigned(last - counter, WINDOW) > 0) {
            return false;
        }
        return (ring[block(counter)] & bit(counter)) == 0;
    }

    /** Records {@code counter}; false (and nothing changes) when it was seen or is out of the window. */
    boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            long current = any ? last >>> BLOCK_BITS_LOG : -1;
            long target = counter >>> BLOCK_BITS_LOG;
            // Blocks the window slid over are cleared; a jump of a whole ring or more clears all of them.
            long steps = Math.min(target - current, RING_BLOCKS);
            for (long i = 1; i <= steps; i++) {
                ring[(int) ((current + i) & BLOCK_MASK)] = 0;
            }
            last = counter;
            any = true;
        }
        ring[block(counter)] |= bit(counter);
        return true;
    }

    private static int block(long counter) {
        return (int) ((counter >>> BLOCK_BITS_LOG) & BLOCK_MASK);
    }

    private static long bit(long counter) {
        return 1L << (counter & BIT_MASK);
    }
}
