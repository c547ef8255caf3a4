package dev.p2pchat.protocol;

import dev.p2pchat.protocol.ProtocolException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The {@code address} field: {@code family:u8 (4 or 6) | address (4 or 16 bytes) | port:u16 (1..65535)}. Public
 * so that stores which keep addresses compactly (the tracker's registry) use the same encoding as the wire.
 */
public final class AddressCodec {
    private AddressCodec() {}

    public static int encodedSize(InetSocketAddress address) {
        return 1 + (address.getAddress() instanceof Inet4Address ? Wire.IPV4_SIZE : Wire.IPV6_SIZE) + Wire.PORT_SIZE;
    }

    public static void put(ByteBuffer out, InetSocketAddress address) {
        out.put((byte) (address.getAddress() instanceof Inet4Address ? Wire.FAMILY_IPV4 : Wire.FAMILY_IPV6));
        out.put(address.getAddress().getAddress());
        out.putShort((short) address.getPort());
    }

    /** Reads one address; {@code field} names it in the exception. */
    public static InetSocketAddress get(ByteBuffer in, String field) throws ProtocolException {
        WireReader reader = new WireReader(in);
        int family = reader.u8(field + " family");
        int length;
        if (family == Wire.FAMILY_IPV4) {
            length = Wire.IPV4_SIZE;
        } else if (family == Wire.FAMILY_IPV6) {
            length = Wire.IPV6_SIZE;
        } else {
            throw new ProtocolException(Reason.BAD_FIELD, field + " family " + family);
        }
        byte[] bytes = reader.octets(length, field).unsafeArray();
        int port = reader.u16(field + " port");
        if (port == 0) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " port 0");
        }
        return new InetSocketAddress(toInetAddress(bytes), port);
    }

    private static InetAddress toInetAddress(byte[] bytes) {
        try {
            // Inet6Address keeps IPv4-mapped addresses as IPv6, so they re-encode with the same family.
            return bytes.length == Wire.IPV4_SIZE
                    ? InetAddress.getByAddress(bytes)
                    : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException impossible) {
            throw new AssertionError("address length is fixed", impossible);
        }
    }
}
