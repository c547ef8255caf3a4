package dev.p2pchat.protocol;

import dev.p2pchat.protocol.ProtocolException.Reason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads wire fields from a datagram, checking the remaining length before every read. */
final class WireReader {
    private final ByteBuffer in;

    WireReader(ByteBuffer in) {
        this.in = in;
    }

    private void need(int bytes, String field) throws ProtocolException {
        if (in.remaining() < bytes) {
            throw new ProtocolException(Reason.TRUNCATED, field + " needs " + bytes + " bytes, " + in.remaining()
                    + " left");
        }
    }

    int u8(String field) throws ProtocolException {
        need(1, field);
        return in.get() & 0xFF;
    }

    int u16(String field) throws ProtocolException {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    int u32(String field) throws ProtocolException {
        need(4, field);
        return in.getInt();
    }

    long u64(String field) throws ProtocolException {
        need(8, field);
        return in.getLong();
    }

    Octets octets(int length, String field) throws ProtocolException {
        need(length, field);
        byte[] bytes = new byte[length];
        in.get(bytes);
        return Octets.of(bytes);
    }

    /** Skips {@code length} bytes that must all be zero. */
    void zeros(int length, String field) throws ProtocolException {
        need(length, field);
        for (int i = 0; i < length; i++) {
            if (in.get() != 0) {
                throw new ProtocolException(Reason.BAD_FIELD, field + " must be zero");
            }
        }
    }

    String name(boolean allowEmpty, String field) throws ProtocolException {
        int length = u8(field + " length");
        if (length > Wire.MAX_NAME_LENGTH || (length == 0 && !allowEmpty)) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " length " + length);
        }
        need(length, field);
        byte[] bytes = new byte[length];
        in.get(bytes);
        for (byte b : bytes) {
            if (b < Wire.MIN_NAME_BYTE || b > Wire.MAX_NAME_BYTE) {
                throw new ProtocolException(Reason.BAD_FIELD, field + " has a byte outside printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    InetSocketAddress address(String field) throws ProtocolException {
        return AddressCodec.get(in, field);
    }

    /**
     * The rest of the datagram as one whole peer-to-peer datagram, checked as if it had come alone (its own header
     * and checksum); anything else is refused with what was wrong with it.
     */
    Message.PeerDatagram peerDatagram(String field) throws ProtocolException {
        ByteBuffer rest = in.slice();
        in.position(in.limit());
        Message inner;
        try {
            inner = MessageCodec.decode(rest);
        } catch (ProtocolException e) {
            // Too short for a header of its own: the field runs past the end of the outer datagram.
            Reason reason = e.reason() == Reason.TOO_SHORT ? Reason.TRUNCATED : e.reason();
            throw new ProtocolException(reason, field + ": " + e.getMessage());
        }
        if (!(inner instanceof Message.PeerDatagram datagram)) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " is a " + inner.type() + ", not a peer datagram");
        }
        return datagram;
    }

    /** Rejects what is left over after the last field. */
    void finish() throws ProtocolException {
        if (in.hasRemaining()) {
            throw new ProtocolException(Reason.TRAILING_BYTES, in.remaining() + " bytes after the last field");
        }
    }
}
