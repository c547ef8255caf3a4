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
    /** A request that belongs inside a registration's session (KEEPALIVE, LOOKUP, ...) came bare. */
    UNSEALED,
    /** A SEALED of a session the tracker does not hold at the sender's address. */
    SESSION_UNKNOWN,
    /** A SEALED that does not open under its session's key, was seen before, or carries what no peer sends. */
    BAD_SEAL,
    /** A REGISTER no newer than the live or recently ended registration of its key: a replay. */
    STALE_REGISTER,
    /** A REGISTER whose signature does not verify with the key it names; never answered. */
    BAD_SIGNATURE,
    /** A SEALED of a live session from another address than the registration's (the peer moved, or a replay). */
    SESSION_MOVED,
    /** A RELAY in a registered peer's session that names another token than the session's. */
    RELAY_NOT_REGISTERED,
    /**
     * A RELAY between two peers that do not both want each other (by a lookup or a RELAY within the relay lifetime),
     * or towards a peer that is no longer registered.
     */
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
