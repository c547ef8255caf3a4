package dev.p2pchat.peer.link;

/**
 * Round-trip time and retransmission timeout per RFC 6298: smoothed RTT and its variation from samples (taken
 * only from fragments sent once, as Karn's algorithm requires), the timeout bounded to [200 ms, 10 s].
 */
final class RttEstimator {
    static final long INITIAL_RTO_MILLIS = 1000;
    static final long MIN_RTO_MILLIS = 200;
    static final long MAX_RTO_MILLIS = 10_000;

    private double smoothed = -1;
    private double variation;

    void sample(long rttMillis) {
        double rtt = Math.max(0, rttMillis);
        if (smoothed < 0) {
            smoothed = rtt;
            variation = rtt / 2;
        } else {
            variation = 0.75 * variation + 0.25 * Math.abs(smoothed - rtt);
            smoothed = 0.875 * smoothed + 0.125 * rtt;
        }
    }

    /** Forgets every sample: the next timeout is the initial one, as before the first. */
    void reset() {
        smoothed = -1;
        variation = 0;
    }

    /** The smoothed round trip in milliseconds, or -1 before the first sample. */
    long smoothedMillis() {
        return smoothed < 0 ? -1 : Math.round(smoothed);
    }

    long rtoMillis() {
        if (smoothed < 0) {
            return INITIAL_RTO_MILLIS;
        }
        long rto = Math.round(smoothed + Math.max(1, 4 * variation));
        return Math.max(MIN_RTO_MILLIS, Math.min(MAX_RTO_MILLIS, rto));
    }

    /** The timeout after {@code retransmissions} unanswered sends: doubled each time, up to the maximum. */
    long backedOffRtoMillis(int retransmissions) {
        return Math.min(MAX_RTO_MILLIS, rtoMillis() << Math.min(retransmissions, 16));
    }
}
