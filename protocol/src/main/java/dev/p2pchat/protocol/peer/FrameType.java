package dev.p2pchat.protocol.peer;

/** Type codes of the frames between peers, carried in byte 3 of the header (0x40-0x7F). */
public enum FrameType {
    HELLO(0x40),
    HELLO_ACK(0x41),
    PING(0x42),
    PONG(0x43),
    DATA(0x44),
    ACK(0x45),
    GOODBYE(0x46);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a code byte (0-255), or {@code null} when this version defines none. */
    public static FrameType ofCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
