package dev.p2pchat.protocol;

import dev.p2pchat.protocol.ProtocolException.Reason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads wire fields from a datagram, checking the remaining length before every read. */
public final class WireReader {
    private final ByteBuffer in;

    public WireReader(ByteBuffer in) {
        this.in = in;
    }

    private void need(int bytes, String field) throws ProtocolException {
        if (in.remaining() < bytes) {
            throw new ProtocolException(Reason.TRUNCATED, field + " needs " + bytes + " bytes, " + in.remaining()
                    + " left");
        }
    }

    public int u8(String field) throws ProtocolException {
        need(1, field);
        return in.get() & 0xFF;
    }

    public int u16(String field) throws ProtocolException {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    public int u32(String field) throws ProtocolException {
        need(4, field);
        return in.getInt();
    }

    public long u64(String field) throws ProtocolException {
        need(8, field);
        return in.getLong();
    }

    public Octets octets(int length, String field) throws ProtocolException {
        need(length, field);
        return take(length);
    }

    private Octets take(int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return Octets.wrap(bytes);
    }

    /** Skips {@code length} bytes that must all be zero. */
    public void zeros(int length, String field) throws ProtocolException {
        need(length, field);
        for (int i = 0; i < length; i++) {
            if (in.get() != 0) {
                throw new ProtocolException(Reason.BAD_FIELD, field + " must be zero");
            }
        }
    }

    public String name(boolean allowEmpty, String field) throws ProtocolException {
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

    public InetSocketAddress address(String field) throws ProtocolException {
        return AddressCodec.get(in, field);
    }

    /** An address list: {@code count:u8} (at most {@link Wire#MAX_PRIVATE_ADDRESSES}), then each address. */
    public List<InetSocketAddress> addresses(String field) throws ProtocolException {
        int count = u8(field + " count");
        if (count > Wire.MAX_PRIVATE_ADDRESSES) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " count " + count);
        }
        List<InetSocketAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address(field));
        }
        return addresses;
    }

    /** The rest of the datagram, however long, as one opaque field. */
    public Octets rest() {
        return take(in.remaining());
    }

    /** Bytes not read yet. */
    public int remaining() {
        return in.remaining();
    }

    /** Rejects what is left over after the last field. */
    public void finish() throws ProtocolException {
        if (in.hasRemaining()) {
            throw new ProtocolException(Reason.TRAILING_BYTES, in.remaining() + " bytes after the last field");
        }
    }
}
