package dev.p2pchat.protocol.tracker;

/** Type codes of the messages between a peer and the tracker, carried in byte 3 of the header (0x01-0x3F). */
public enum TrackerMessageType {
    COOKIE_REQUEST(0x01),
    COOKIE_CHALLENGE(0x02),
    REGISTER(0x03),
    REGISTERED(0x04),
    KEEPALIVE(0x05),
    KEEPALIVE_ACK(0x06),
    LOOKUP(0x07),
    LOOKUP_RESULT(0x08),
    INTRODUCTION(0x09),
    LIST(0x0A),
    LIST_PAGE(0x0B),
    RENAME(0x0C),
    UNREGISTER(0x0D),
    OK(0x0E),
    ERROR(0x0F),
    RELAY(0x10),
    RELAYED(0x11),
    SEALED(0x12),
    SESSION_UNKNOWN(0x13),
    DEPOSIT(0x14),
    FETCH(0x15),
    MAIL(0x16),
    MAIL_ACK(0x17);

    private static final TrackerMessageType[] BY_CODE = new TrackerMessageType[256];

    static {
        for (TrackerMessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    TrackerMessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a code byte (0-255), or {@code null} when this version defines none. */
    public static TrackerMessageType ofCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
