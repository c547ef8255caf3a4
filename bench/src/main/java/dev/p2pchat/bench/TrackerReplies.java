package dev.p2pchat.bench;

import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.nio.ByteBuffer;

/**
 * What the load generator reads of a tracker reply. Every reply to a REGISTER and every later message comes
 * sealed in a registration's session, so a reply's txid, type and token are inside the box: the header and the
 * session token in front of it are read in place (by the offsets in {@link Wire}), which tells whose session a
 * datagram is without opening it; only a datagram of a session with a request in flight is opened.
 */
final class TrackerReplies {
    /** SEALED: header | session:u64 | counter:u64 | box. */
    static final int SESSION_OFFSET = Wire.HEADER_SIZE;
    private static final int MIN_SEALED_SIZE = Wire.SEALED_OVERHEAD + TrackerWire.MIN_SEALED_MESSAGE_SIZE;

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

    /** Whether {@code datagram} looks like a SEALED (it may still not open). */
    static boolean isSealed(ByteBuffer datagram) {
        return datagram.limit() >= MIN_SEALED_SIZE && type(datagram) == TrackerMessageType.SEALED;
    }

    /** The session token of a datagram {@link #isSealed} accepted. */
    static long session(ByteBuffer datagram) {
        return datagram.getLong(SESSION_OFFSET);
    }

    /**
     * What {@code datagram} (a SEALED, from position 0) carries if it opens under {@code session}, or null: it was
     * sealed in another session, was seen before, or does not decode.
     */
    static TrackerMessage open(SessionCipher session, ByteBuffer datagram) {
        try {
            TrackerMessage message = TrackerCodec.decode(datagram.position(0));
            return message instanceof Sealed sealed ? session.open(sealed) : null;
        } catch (CryptoException | ProtocolException e) {
            return null;
        }
    }
}
