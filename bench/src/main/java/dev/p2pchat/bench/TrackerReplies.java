package dev.p2pchat.bench;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.nio.ByteBuffer;

/**
 * Reads just enough of a tracker reply to match it to its request: header and transaction id, by the offsets in
 * {@link Wire}. Decoding every reply in full would spend the load generator's core on work the tracker's
 * measurement does not need; the phases check the reply's type, and the register phase its token.
 */
final class TrackerReplies {
    static final int TXID_OFFSET = Wire.HEADER_SIZE;
    /** REGISTERED: header | txid:u32 | token:u64 | ... */
    static final int TOKEN_OFFSET = TXID_OFFSET + TrackerWire.TRANSACTION_ID_SIZE;

    private TrackerReplies() {}

    /** The type of {@code datagram}, or null when it is not a p2pchat datagram. */
    static TrackerMessageType type(ByteBuffer datagram) {
        if (datagram.limit() < Wire.HEADER_SIZE
                || (datagram.getShort(Wire.MAGIC_OFFSET) & 0xFFFF) != Wire.MAGIC
                || (datagram.get(Wire.VERSION_OFFSET) & 0xFF) != Wire.VERSION) {
            return null;
        }
        return TrackerMessageType.ofCode(datagram.get(Wire.TYPE_OFFSET));
    }

    /** The transaction id of a tracker reply, or {@link Workload#NOT_A_REPLY} (introductions carry none). */
    static int txid(ByteBuffer datagram) {
        TrackerMessageType type = type(datagram);
        if (type == null || type == TrackerMessageType.INTRODUCTION
                || datagram.limit() < TXID_OFFSET + TrackerWire.TRANSACTION_ID_SIZE) {
            return Workload.NOT_A_REPLY;
        }
        return datagram.getInt(TXID_OFFSET);
    }
}
