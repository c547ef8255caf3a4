package dev.p2pchat.protocol;

/**
 * Every constant of the p2pchat wire format: header layout, type codes, field sizes and limits.
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
 * |        checksum (u32): peer-to-peer types 0x40-0x7F only      |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A peer-to-peer datagram (type 0x40-0x7F, see {@link #hasChecksum}) ends with a {@value #CHECKSUM_SIZE}-byte
 * CRC-32C (Castagnoli, as {@link java.util.zip.CRC32C} computes it) over every byte before it, header included.
 * It catches accidental corruption that the UDP checksum missed or never checked (loopback, checksum offload);
 * it authenticates nothing, anyone can compute it. Tracker datagrams carry no trailer.
 *
 * <p>Composite fields used by several bodies:
 *
 * <pre>
 * name      = length:u8 | ASCII bytes 0x21..0x7E (length 1..32; 0 only where a field says "optional")
 * address   = family:u8 (4 or 6) | address (4 or 16 bytes) | port:u16 (1..65535)
 * peer-info = name | identity-key:32 | agreement-key:32 | capabilities:u32 | observed:address
 *             | count:u8 (0..4) | private:address * count
 * </pre>
 *
 * <p>{@code PROTOCOL.md} in this module draws every message body; {@link MessageCodec} implements them.
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
    /** The CRC-32C trailer that ends every peer-to-peer datagram. */
    public static final int CHECKSUM_SIZE = 4;

    /** Largest datagram sent or accepted: fits common path MTUs without IP fragmentation. */
    public static final int MAX_DATAGRAM_SIZE = 1200;

    public static final int TRANSACTION_ID_SIZE = 4;
    public static final int COOKIE_SIZE = 16;
    public static final int TOKEN_SIZE = 8;
    public static final int KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;
    public static final int CAPABILITIES_SIZE = 4;
    /** A cookie request is padded with zeros so that it is exactly as long as the challenge it asks for. */
    public static final int COOKIE_REQUEST_PADDING = COOKIE_SIZE;
    /** Size of a whole COOKIE_REQUEST, and so of the COOKIE_CHALLENGE that answers it. */
    public static final int COOKIE_REQUEST_SIZE = HEADER_SIZE + TRANSACTION_ID_SIZE + COOKIE_REQUEST_PADDING;

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

    /** Bytes of a LIST_PAGE before its entries: header, txid, next cursor, total, count. */
    public static final int LIST_PAGE_FIXED_SIZE = HEADER_SIZE + TRANSACTION_ID_SIZE + 4 + 4 + 1;
    /** Smallest list entry: a one-byte name (plus its length byte) and the identity key. */
    public static final int MIN_LIST_ENTRY_SIZE = 1 + 1 + KEY_SIZE;
    /** Most entries one LIST_PAGE can hold; a larger count is malformed. */
    public static final int MAX_LIST_ENTRIES = (MAX_DATAGRAM_SIZE - LIST_PAGE_FIXED_SIZE) / MIN_LIST_ENTRY_SIZE;

    /** Largest chat message, before fragmentation. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024;
    public static final int SESSION_SIZE = 8;
    public static final int MESSAGE_ID_SIZE = 8;
    /** Where a DATA payload starts: after the header, session, message id, kind, fragment, count and length. */
    public static final int DATA_PAYLOAD_OFFSET = HEADER_SIZE + SESSION_SIZE + MESSAGE_ID_SIZE + 1 + 2 + 2 + 2;
    /** Bytes of a DATA datagram besides its payload: the fields before it and the checksum after it. */
    public static final int DATA_FIXED_SIZE = DATA_PAYLOAD_OFFSET + CHECKSUM_SIZE;
    /** RELAY's fields before the peer datagram it carries: header, the sender's token, the target's identity key. */
    public static final int RELAY_FIXED_SIZE = HEADER_SIZE + TOKEN_SIZE + KEY_SIZE;
    /** RELAYED's fields before the peer datagram it carries: header, the sender's identity key. */
    public static final int RELAYED_FIXED_SIZE = HEADER_SIZE + KEY_SIZE;
    /**
     * Largest peer-to-peer datagram: small enough that a RELAY carrying it still fits {@link #MAX_DATAGRAM_SIZE}, so
     * that any conversation can move to the tracker's relay at any time without cutting its messages anew.
     */
    public static final int MAX_PEER_DATAGRAM_SIZE = MAX_DATAGRAM_SIZE - RELAY_FIXED_SIZE;
    /** Most payload bytes one DATA datagram carries; every fragment of a message but the last carries exactly this. */
    public static final int MAX_FRAGMENT_PAYLOAD = MAX_PEER_DATAGRAM_SIZE - DATA_FIXED_SIZE;
    /** Most fragments of one message: enough for {@link #MAX_MESSAGE_SIZE}, and a hard cap on a declared count. */
    public static final int MAX_FRAGMENTS = (MAX_MESSAGE_SIZE + MAX_FRAGMENT_PAYLOAD - 1) / MAX_FRAGMENT_PAYLOAD;

    /** Type codes 0x01-0x3F: tracker conversation. */
    public static final int TRACKER_TYPES_FIRST = 0x01;
    public static final int TRACKER_TYPES_LAST = 0x3F;
    /** Type codes 0x40-0x7F: peer-to-peer messages (0x40-0x46 defined). 0x80-0xFF: reserved for extensions. */
    public static final int PEER_TYPES_FIRST = 0x40;
    public static final int PEER_TYPES_LAST = 0x7F;

    private Wire() {}

    /** Whether a datagram of type {@code typeCode} ends with the {@value #CHECKSUM_SIZE}-byte CRC-32C trailer. */
    public static boolean hasChecksum(int typeCode) {
        return typeCode >= PEER_TYPES_FIRST && typeCode <= PEER_TYPES_LAST;
    }

    /** Encoded size of a name field holding {@code name}. */
    public static int nameSize(String name) {
        return 1 + name.length();
    }

    /** Encoded size of one LIST_PAGE entry. */
    public static int listEntrySize(Message.ListPage.Entry entry) {
        return nameSize(entry.name()) + KEY_SIZE;
    }
}
