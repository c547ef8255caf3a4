package dev.p2pchat.protocol.peer;

/** Type codes of the frames between peers, carried in byte 3 of the header (0x40-0x7F). */
public enum FrameType {
    /** Noise IK message 1: the initiator knows the responder's static key. */
    INITIATION_IK(0x40),
    /** Noise XX message 1: the initiator knows only the responder's address. */
    INITIATION_XX(0x41),
    /** Noise IK message 2. */
    RESPONSE_IK(0x42),
    /** Noise XX message 2. */
    RESPONSE_XX(0x43),
    /** Noise XX message 3. */
    FINISH_XX(0x44),
    /** A responder under load asks the initiator to prove its address: the cookie for its next initiation. */
    COOKIE_REPLY(0x45),
    /** Everything after the handshake: a sealed link frame. */
    TRANSPORT(0x46);

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
