package dev.p2pchat.protocol;

import dev.p2pchat.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The four bytes every datagram starts with (see {@link Wire}): checked once, the same way for tracker messages and
 * peer frames, before anything reads a body.
 */
public final class Header {
    private Header() {}

    /**
     * Checks the size, magic and version of the datagram in the remaining bytes of {@code in} and returns its type
     * code, without moving {@code in}. The checks run in PROTOCOL.md's order: {@code TOO_LONG}, {@code TOO_SHORT},
     * {@code BAD_MAGIC}, {@code BAD_VERSION}.
     */
    public static int type(ByteBuffer in) throws ProtocolException {
        int start = in.position();
        if (in.remaining() > Wire.MAX_DATAGRAM_SIZE) {
            throw new ProtocolException(Reason.TOO_LONG, in.remaining() + " bytes");
        }
        if (in.remaining() < Wire.HEADER_SIZE) {
            throw new ProtocolException(Reason.TOO_SHORT, in.remaining() + " bytes");
        }
        int magic = in.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(start + Wire.MAGIC_OFFSET) & 0xFFFF;
        if (magic != Wire.MAGIC) {
            throw new ProtocolException(Reason.BAD_MAGIC, Integer.toHexString(magic));
        }
        int version = in.get(start + Wire.VERSION_OFFSET) & 0xFF;
        if (version != Wire.VERSION) {
            throw new ProtocolException(Reason.BAD_VERSION, Integer.toString(version));
        }
        return in.get(start + Wire.TYPE_OFFSET) & 0xFF;
    }

    /** Writes the header of a datagram of type {@code typeCode}; sets {@code out} to network byte order. */
    public static void put(ByteBuffer out, int typeCode) {
        out.order(ByteOrder.BIG_ENDIAN);
        out.putShort((short) Wire.MAGIC);
        out.put((byte) Wire.VERSION);
        out.put((byte) typeCode);
    }
}
