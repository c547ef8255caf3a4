package dev.p2pchat.protocol.crypto;

/**
 * Which counters of one key have been seen: a sliding window of counters behind the highest accepted one, as a ring
 * of 64-bit blocks (WireGuard's {@code replay.Filter}). A counter is accepted once;
 * one that was seen, or is older than the window, is refused. Datagrams may arrive in any order within the window.
 *
 * <p>{@link #mayAccept} is the cheap check before a datagram is opened (a replay is dropped without decrypting it);
 * {@link #accept} records the counter, and is called only once the datagram authenticated, so a forged datagram
 * never moves the window.
 */
public final class ReplayWindow {
    /** Ring blocks of a peer link's window: 8,128 counters, for the reordering a busy path may cause. */
    public static final int LINK_BLOCKS = 1 << 7;

    private static final int BLOCK_BITS_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BITS_LOG;
    private static final int BIT_MASK = BLOCK_BITS - 1;

    private final long[] ring;
    private final int blockMask;
    private final long window;
    private final long limit;
    private long last;
    private boolean any;

    /**
     * @param limit the first counter never accepted (unsigned): a key is retired before it wraps
     * @param blocks ring size, a power of two of at least 2: the window holds {@code (blocks - 1) * 64} counters
     */
    public ReplayWindow(long limit, int blocks) {
        if (blocks < 2 || Integer.bitCount(blocks) != 1) {
            throw new IllegalArgumentException("ring blocks must be a power of two of at least 2, not " + blocks);
        }
        this.ring = new long[blocks];
        this.blockMask = blocks - 1;
        this.window = (long) (blocks - 1) * BLOCK_BITS;
        this.limit = limit;
    }

    /** Counters behind the highest one that are still told apart. */
    public long size() {
        return window;
    }

    /** Whether {@code counter} (unsigned) would be accepted now; changes nothing. */
    public boolean mayAccept(long counter) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            return true;
        }
        if (Long.compareUnsigned(last - counter, window) > 0) {
            return false;
        }
        return (ring[block(counter)] & bit(counter)) == 0;
    }

    /** Records {@code counter}; false (and nothing changes) when it was seen or is out of the window. */
    public boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            long current = any ? last >>> BLOCK_BITS_LOG : -1;
            long target = counter >>> BLOCK_BITS_LOG;
            // Blocks the window slid over are cleared; a jump of a whole ring or more clears all of them.
            long steps = Math.min(target - current, ring.length);
            for (long i = 1; i <= steps; i++) {
                ring[(int) ((current + i) & blockMask)] = 0;
            }
            last = counter;
            any = true;
        }
        ring[block(counter)] |= bit(counter);
        return true;
    }

    private int block(long counter) {
        return (int) ((counter >>> BLOCK_BITS_LOG) & blockMask);
    }

    private static long bit(long counter) {
        return 1L << (counter & BIT_MASK);
    }
}
