package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Wire;

/** Field sizes and limits of the frames between peers (the shared ones are in {@link Wire}). */
public final class PeerWire {
    /** The CRC-32C trailer that ends every peer frame. */
    public static final int CHECKSUM_SIZE = 4;
    /** Largest chat message, before fragmentation. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024;
    public static final int SESSION_SIZE = 8;
    public static final int MESSAGE_ID_SIZE = 8;
    public static final int CAPABILITIES_SIZE = 4;
    /** Where a DATA payload starts: after the header, session, message id, kind, fragment, count and length. */
    public static final int DATA_PAYLOAD_OFFSET = Wire.HEADER_SIZE + SESSION_SIZE + MESSAGE_ID_SIZE + 1 + 2 + 2 + 2;
    /** Bytes of a DATA frame besides its payload: the fields before it and the checksum after it. */
    public static final int DATA_FIXED_SIZE = DATA_PAYLOAD_OFFSET + CHECKSUM_SIZE;
    /** Most payload bytes one DATA frame carries; every fragment of a message but the last carries exactly this. */
    public static final int MAX_FRAGMENT_PAYLOAD = Wire.MAX_PEER_DATAGRAM_SIZE - DATA_FIXED_SIZE;
    /** Most fragments of one message: enough for {@link #MAX_MESSAGE_SIZE}, and a hard cap on a declared count. */
    public static final int MAX_FRAGMENTS = (MAX_MESSAGE_SIZE + MAX_FRAGMENT_PAYLOAD - 1) / MAX_FRAGMENT_PAYLOAD;

    private PeerWire() {}
}
