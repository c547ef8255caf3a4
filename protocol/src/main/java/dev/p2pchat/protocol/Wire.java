package dev.p2pchat.protocol;

/**
 * The constants every datagram shares: the header, the datagram size, and the fields both the tracker messages
 * ({@code dev.p2pchat.protocol.tracker}) and the peer frames ({@code dev.p2pchat.protocol.peer}) use.
 *
 * <p>Every datagram starts with the same four-byte header, in network byte order:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+---------------+---------------+
 * |        magic 0x50 0x32        |  version = 1  |     type      |
 * +-------------------------------+---------------+---------------+
 * |                         body (per type) ...                   |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The type byte says who speaks: 0x01-0x3F between a peer and the tracker, 0x40-0x7F between two peers (see
 * {@link #isPeerFrame}). Composite fields used by several bodies:
 *
 * <pre>
 * name      = length:u8 | ASCII bytes 0x21..0x7E (length 1..32; 0 only where a field says "optional")
 * address   = family:u8 (4 or 6) | address (4 or 16 bytes) | port:u16 (1..65535)
 * </pre>
 *
 * <p>{@code PROTOCOL.md} in this module draws every message body.
 */
public final class Wire {
    /** First two bytes of every datagram: ASCII "P2". */
    public static final int MAGIC = 0x5032;
    /** The only version this codec speaks; any other version is dropped. */
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int TYPE_OFFSET = 3;
    public static final int HEADER_SIZE = 4;

    /** Largest datagram sent or accepted: fits common path MTUs without IP fragmentation. */
    public static final int MAX_DATAGRAM_SIZE = 1200;

    public static final int KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;

    public static final int MAX_NAME_LENGTH = 32;
    public static final int MIN_NAME_BYTE = 0x21;
    public static final int MAX_NAME_BYTE = 0x7E;

    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;
    public static final int IPV4_SIZE = 4;
    public static final int IPV6_SIZE = 16;
    public static final int PORT_SIZE = 2;
    /** A peer announces at most this many of its own (private) addresses. */
    public static final int MAX_PRIVATE_ADDRESSES = 4;

    /**
     * What a tracker SEALED adds around the message it carries: header, session, counter, and the AEAD tag.
     */
    public static final int SEALED_OVERHEAD = HEADER_SIZE + 2 * Long.BYTES + 16;
    /**
     * What the tracker's relay adds to the peer frame it carries: the RELAY (header, the sender's session token, the
     * target's identity key) and the SEALED around it.
     */
    public static final int RELAY_OVERHEAD = HEADER_SIZE + Long.BYTES + KEY_SIZE + SEALED_OVERHEAD;
    /**
     * Largest peer frame: small enough that a sealed RELAY carrying it still fits {@link #MAX_DATAGRAM_SIZE}, so that
     * any conversation can move to the tracker's relay at any time without cutting its messages anew.
     */
    public static final int MAX_PEER_DATAGRAM_SIZE = MAX_DATAGRAM_SIZE - RELAY_OVERHEAD;

    /** Type codes 0x01-0x3F: tracker conversation. */
    public static final int TRACKER_TYPES_FIRST = 0x01;
    public static final int TRACKER_TYPES_LAST = 0x3F;
    /** Type codes 0x40-0x7F: peer-to-peer frames. 0x80-0xFF: reserved for extensions. */
    public static final int PEER_TYPES_FIRST = 0x40;
    public static final int PEER_TYPES_LAST = 0x7F;

    private Wire() {}

    /** Whether type code {@code typeCode} is in the range of frames between peers. */
    public static boolean isPeerFrame(int typeCode) {
        return typeCode >= PEER_TYPES_FIRST && typeCode <= PEER_TYPES_LAST;
    }

    /** Encoded size of a name field holding {@code name}. */
    public static int nameSize(String name) {
        return 1 + name.length();
    }
}
