package dev.p2pchat.bench;

/**
 * Latencies in nanoseconds, counted in log-linear buckets (the idea of HdrHistogram): every power of two is split
 * into {@value #SUB_BUCKETS} equal buckets, so a reported percentile is within 1/128 (under 1%) of the recorded
 * value, recording costs no allocation, and the whole range of a long fits in about 7,300 counters.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;

    private final long[] counts = new long[(64 - SUB_BITS + 1) * SUB_BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[indexOf(value)]++;
        total++;
        max = Math.max(max, value);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long maxNanos() {
        return max;
    }

    /** The value at {@code percentile} (0 to 100): the upper edge of the bucket holding it, capped at the max. */
    long percentileNanos(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), max);
            }
        }
        return max;
    }

    /**
     * Values below 2 * {@value #SUB_BUCKETS} have a bucket each; above, a value with its highest bit at {@code e}
     * falls in group {@code e - SUB_BITS + 1}, at the sub-bucket given by its next {@value #SUB_BITS} bits.
     */
    private static int indexOf(long value) {
        int exponent = 63 - Long.numberOfLeadingZeros(value | 1);
        if (exponent < SUB_BITS + 1) {
            return (int) value;
        }
        int shift = exponent - SUB_BITS;
        return (shift + 1) * SUB_BUCKETS + (int) (value >>> shift) - SUB_BUCKETS;
    }

    private static long upperEdge(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long lower = (long) (index % SUB_BUCKETS + SUB_BUCKETS) << shift;
        return lower + (1L << shift) - 1;
    }
}
