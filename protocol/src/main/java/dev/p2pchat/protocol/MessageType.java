package dev.p2pchat.protocol;

/** Type codes carried in byte 3 of every datagram. */
public enum MessageType {
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
    HELLO(0x40),
    HELLO_ACK(0x41),
    PING(0x42),
    PONG(0x43),
    DATA(0x44),
    ACK(0x45),
    GOODBYE(0x46);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a code byte (0-255), or {@code null} when this version defines none. */
    public static MessageType ofCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
