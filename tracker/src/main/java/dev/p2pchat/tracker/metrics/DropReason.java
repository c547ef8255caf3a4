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
    /** The source sent faster than its budget allows (see {@code RequestLimits}). */
    RATE_LIMITED,
    /** The cookie was not minted for this source, or has expired. */
    BAD_COOKIE,
    /** A well-formed message the tracker does not accept, such as a reply. */
    UNEXPECTED_TYPE,
    /** STUN, but not a well-formed Binding request (the one STUN message the tracker answers). */
    BAD_STUN,
    /** A RELAY not from a registered peer's registered address with its session token. */
    RELAY_NOT_REGISTERED,
    /** A RELAY towards a peer no lookup between the two permitted (or that is no longer registered). */
    RELAY_NOT_PERMITTED,
    /** A RELAY beyond the sender's datagrams or bytes per second. */
    RELAY_OVER_BUDGET;

    public static DropReason of(ProtocolException.Reason reason) {
        return switch (reason) {
            case TOO_SHORT -> TOO_SHORT;
            case TOO_LONG -> TOO_LONG;
            case BAD_MAGIC -> BAD_MAGIC;
            case BAD_VERSION -> BAD_VERSION;
            case UNKNOWN_TYPE -> UNKNOWN_TYPE;
            case TRUNCATED -> TRUNCATED;
            case TRAILING_BYTES -> TRAILING_BYTES;
            case BAD_FIELD -> BAD_FIELD;
        };
    }
}
