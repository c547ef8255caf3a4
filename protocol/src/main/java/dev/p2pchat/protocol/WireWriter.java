package dev.p2pchat.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes the composite fields that tracker messages and peer frames share, as {@link WireReader} reads them. */
public final class WireWriter {
    private WireWriter() {}

    public static void octets(ByteBuffer out, Octets value) {
        out.put(value.unsafeArray());
    }

    public static void name(ByteBuffer out, String name) {
        out.put((byte) name.length());
        out.put(name.getBytes(StandardCharsets.US_ASCII));
    }

    /** An address list: {@code count:u8}, then each address. */
    public static void addresses(ByteBuffer out, List<InetSocketAddress> addresses) {
        out.put((byte) addresses.size());
        for (InetSocketAddress address : addresses) {
            AddressCodec.put(out, address);
        }
    }
}
