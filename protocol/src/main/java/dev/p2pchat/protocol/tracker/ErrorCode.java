package dev.p2pchat.protocol.tracker;

/** Why the tracker refused a request whose sender had proven its address. */
public enum ErrorCode {
    /** The name breaks the naming rule (see {@link dev.p2pchat.protocol.Names}). */
    NAME_INVALID(1),
    /** Another identity key holds the name. */
    NAME_TAKEN(2),
    /**
     * The sender has no live registration under the name it gave (lease expired, or tracker restarted), or not at
     * the address it sent from (its NAT mapping moved): register again from there.
     */
    NOT_REGISTERED(3),
    /** No live registration under the looked-up name. */
    NOT_FOUND(4),
    /** The registry holds its maximum number of peers. */
    REGISTRY_FULL(5),
    /** The signature does not verify with the key that holds the name. */
    BAD_SIGNATURE(6),
    /** The session token does not match the registration. */
    BAD_TOKEN(7),
    /** An announced private address is not usable (unspecified, multicast or broadcast). */
    ADDRESS_INVALID(8),
    /**
     * Too many live registrations from the sender's network: its host (an IPv4 address, an IPv6 /64) or its address
     * prefix (an IPv4 /24, an IPv6 /48) holds its share of the registry. Room appears as their leases end.
     */
    NETWORK_FULL(9),
    /**
     * A DEPOSIT that does not fit: the recipient's mailbox holds its most pieces or bytes, the sender has its most
     * mail waiting (for that recipient or in all), or the tracker's mail store is full. Room appears as mail is
     * fetched or expires.
     */
    MAILBOX_FULL(10);

    private static final ErrorCode[] BY_CODE = new ErrorCode[256];

    static {
        for (ErrorCode error : values()) {
            BY_CODE[error.code] = error;
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The error for a code byte, or {@code null} when this version defines none. */
    public static ErrorCode ofCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
