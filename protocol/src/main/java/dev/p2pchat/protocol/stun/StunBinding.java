package dev.p2pchat.protocol.stun;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The one STUN exchange a tracker answers: an RFC 5389 Binding request, answered with the sender's address as the
 * tracker sees it (XOR-MAPPED-ADDRESS), so that standard STUN clients learn their NAT mapping from it. STUN shares
 * the tracker's UDP port: a STUN message starts with two zero bits and carries the magic cookie at byte 4, where
 * every p2pchat datagram starts with "P2" (0x50 0x32).
 */
public final class StunBinding {
    public static final int HEADER_SIZE = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_SIZE = 12;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;
    private static final int COOKIE_OFFSET = 4;
    private static final int ATTRIBUTE_HEADER_SIZE = 4;
    /** Largest answer: the header and an IPv6 XOR-MAPPED-ADDRESS. */
    public static final int MAX_RESPONSE_SIZE = HEADER_SIZE + ATTRIBUTE_HEADER_SIZE + 4 + 16;

    private StunBinding() {}

    /** Whether {@code datagram} (from its position, which is kept) is a STUN message rather than p2pchat's. */
    public static boolean isStun(ByteBuffer datagram) {
        int start = datagram.position();
        return datagram.remaining() >= HEADER_SIZE && mayBeStun(datagram.get(start))
                && datagram.getInt(start + COOKIE_OFFSET) == MAGIC_COOKIE;
    }

    /**
     * Whether a datagram starting with {@code firstByte} may be STUN (its first two bits are zero): false for every
     * p2pchat datagram, so a receive path can let those by on one byte before {@link #isStun} looks further.
     */
    public static boolean mayBeStun(int firstByte) {
        return (firstByte & 0xC0) == 0;
    }

    /**
     * The transaction id of a well-formed Binding request, or null for anything else: another STUN method or class,
     * a length that disagrees with the datagram, or attributes that do not add up to it. Attributes are otherwise
     * not read (nothing in them changes the answer).
     */
    public static byte[] bindingRequest(ByteBuffer datagram) {
        if (!isStun(datagram)) {
            return null;
        }
        ByteBuffer in = datagram.duplicate();
        int type = in.getShort() & 0xFFFF;
        int length = in.getShort() & 0xFFFF;
        if (type != BINDING_REQUEST || length % 4 != 0 || length != in.remaining() - COOKIE_OFFSET
                - TRANSACTION_ID_SIZE) {
            return null;
        }
        in.getInt(); // the magic cookie, checked above
        byte[] transactionId = new byte[TRANSACTION_ID_SIZE];
        in.get(transactionId);
        while (in.hasRemaining()) {
            if (in.remaining() < ATTRIBUTE_HEADER_SIZE) {
                return null;
            }
            in.getShort();
            int padded = ((in.getShort() & 0xFFFF) + 3) & ~3;
            if (padded > in.remaining()) {
                return null;
            }
            in.position(in.position() + padded);
        }
        return transactionId;
    }

    /**
     * The address a Binding success response to {@code transactionId} reports (its XOR-MAPPED-ADDRESS), or null when
     * the datagram is not such a response: how a client reads the answer.
     */
    public static InetSocketAddress mappedAddress(ByteBuffer datagram, byte[] transactionId) {
        if (!isStun(datagram)) {
            return null;
        }
        ByteBuffer in = datagram.duplicate();
        int type = in.getShort() & 0xFFFF;
        int length = in.getShort() & 0xFFFF;
        in.getInt();
        byte[] id = new byte[TRANSACTION_ID_SIZE];
        in.get(id);
        if (type != BINDING_SUCCESS || length != in.remaining() || !Arrays.equals(id, transactionId)) {
            return null;
        }
        ByteBuffer key = ByteBuffer.allocate(4 + TRANSACTION_ID_SIZE).putInt(MAGIC_COOKIE).put(transactionId);
        while (in.remaining() >= ATTRIBUTE_HEADER_SIZE) {
            int attribute = in.getShort() & 0xFFFF;
            int size = in.getShort() & 0xFFFF;
            int padded = (size + 3) & ~3;
            if (padded > in.remaining()) {
                return null;
            }
            int next = in.position() + padded;
            if (attribute == XOR_MAPPED_ADDRESS && (size == 8 || size == 20)) {
                in.get(); // reserved
                int family = in.get();
                int port = (in.getShort() & 0xFFFF) ^ (MAGIC_COOKIE >>> 16);
                byte[] address = new byte[size - 4];
                if ((family == FAMILY_IPV4) != (address.length == 4)) {
                    return null;
                }
                for (int i = 0; i < address.length; i++) {
                    address[i] = (byte) (in.get() ^ key.get(i));
                }
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(address), port);
                } catch (UnknownHostException e) {
                    return null; // not reached: the length was checked
                }
            }
            in.position(next);
        }
        return null;
    }

    /** A Binding success response to {@code transactionId} that tells the client it is seen at {@code mapped}. */
    public static byte[] bindingSuccess(byte[] transactionId, InetSocketAddress mapped) {
        if (transactionId.length != TRANSACTION_ID_SIZE) {
            throw new IllegalArgumentException("a STUN transaction id is 12 bytes, not " + transactionId.length);
        }
        byte[] address = mapped.getAddress().getAddress();
        boolean v4 = mapped.getAddress() instanceof Inet4Address;
        int valueSize = 4 + address.length;
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + ATTRIBUTE_HEADER_SIZE + valueSize);
        out.putShort((short) BINDING_SUCCESS).putShort((short) (ATTRIBUTE_HEADER_SIZE + valueSize))
                .putInt(MAGIC_COOKIE).put(transactionId);
        out.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) valueSize)
                .put((byte) 0).put((byte) (v4 ? FAMILY_IPV4 : FAMILY_IPV6))
                .putShort((short) (mapped.getPort() ^ (MAGIC_COOKIE >>> 16)));
        // The address is XORed with the cookie, then (IPv6) the transaction id: RFC 5389 section 15.2.
        ByteBuffer key = ByteBuffer.allocate(4 + TRANSACTION_ID_SIZE).putInt(MAGIC_COOKIE).put(transactionId);
        for (int i = 0; i < address.length; i++) {
            out.put((byte) (address[i] ^ key.get(i)));
        }
        return out.array();
    }
}
