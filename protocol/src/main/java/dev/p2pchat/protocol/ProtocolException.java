package dev.p2pchat.protocol;

/**
 * A datagram that is not a valid message. The only exception the codecs throw when they decode.
 *
 * <p>Receivers drop the datagram and count the {@link Reason}; they never answer it. The exception carries no
 * stack trace because a flood of garbage must stay cheap to reject.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a datagram was rejected; receivers count drops per reason. */
    public enum Reason {
        /** Shorter than the header. */
        TOO_SHORT,
        /**
         * Longer than {@link Wire#MAX_DATAGRAM_SIZE}, or than what the frame may be: a TRANSPORT over
         * {@link Wire#MAX_PEER_DATAGRAM_SIZE}, a link frame over what one TRANSPORT seals.
         */
        TOO_LONG,
        BAD_MAGIC,
        BAD_VERSION,
        UNKNOWN_TYPE,
        /** A field runs past the end of the datagram, or a frame of a fixed size is shorter. */
        TRUNCATED,
        /** Bytes left over after the last field. */
        TRAILING_BYTES,
        /** A field's value is out of its range (a length, a count, a family, a port, a character, a code). */
        BAD_FIELD
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
