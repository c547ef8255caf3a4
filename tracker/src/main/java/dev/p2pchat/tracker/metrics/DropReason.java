package dev.p2pchat.tracker.metrics;

import dev.p2pchat.protocol.ProtocolException;

/** Why the tracker dropped a datagram without acting on it. */
public enum DropReason {
    // The codec's reasons, one for one.
    TOO_SHORT,
    TOO_LONG,
    BAD_MAGIC,
    BAD_VERSION,
    UNKNOWN_TYPE,
    TRUNCATED,
    TRAILING_BYTES,
    BAD_FIELD,
    // The tracker's own.
    /** The source sent faster than its token bucket allows. */
    RATE_LIMITED,
    /** The cookie was not minted for this source, or has expired. */
    BAD_COOKIE,
    /** A well-formed message the tracker does not accept, such as a reply. */
    UNEXPECTED_TYPE;

    public static DropReason of(ProtocolException.Reason reason) {
        return valueOf(reason.name());
    }
}
