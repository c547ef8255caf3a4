package dev.p2pchat.bench;

import java.util.List;

/**
 * What one measured phase saw, per kind of request. Only replies that arrived inside the measurement window
 * count; requests sent in it that never got a reply within the timeout are {@code lost}.
 *
 * @param window requests each client kept outstanding
 * @param clients client sockets
 * @param measuredNanos length of the measurement window
 * @param answeredByKind replies with the expected answer, per kind
 * @param refusedByKind replies that answered the request with something else (an error), per kind
 * @param latencies round trip of every answered or refused request, per kind
 * @param lost requests that timed out
 * @param late replies that came after their request timed out
 * @param unsolicited datagrams that answer no request (introductions)
 */
record PhaseResult(
        String name,
        int window,
        int clients,
        List<String> kinds,
        long measuredNanos,
        long[] answeredByKind,
        long[] refusedByKind,
        LatencyHistogram[] latencies,
        long lost,
        long late,
        long unsolicited,
        CpuMeter.Usage cpu) {

    long answered() {
        long sum = 0;
        for (long count : answeredByKind) {
            sum += count;
        }
        return sum;
    }

    long refused() {
        long sum = 0;
        for (long count : refusedByKind) {
            sum += count;
        }
        return sum;
    }

    /** Answered requests per second, all kinds together. */
    double perSecond() {
        return answered() * 1e9 / Math.max(1, measuredNanos);
    }

    double perSecond(int kind) {
        return answeredByKind[kind] * 1e9 / Math.max(1, measuredNanos);
    }

    LatencyHistogram latency() {
        LatencyHistogram all = new LatencyHistogram();
        for (LatencyHistogram histogram : latencies) {
            all.add(histogram);
        }
        return all;
    }

    /** Lost requests as a share of all requests whose fate is known. */
    double lossRatio() {
        long known = answered() + refused() + lost;
        return known == 0 ? 0 : (double) lost / known;
    }
}
