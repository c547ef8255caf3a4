package dev.p2pchat.protocol;

import dev.p2pchat.protocol.peer.PeerWire;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * What the golden vectors of both codecs share: the field values they are written with, as hex exactly as they
 * appear on the wire, and the helpers that build datagrams by hand. The vectors themselves are in
 * {@code tracker.TrackerGoldenVectors} and {@code peer.PeerGoldenVectors}: written by hand from {@code PROTOCOL.md},
 * never produced by calling an encoder.
 */
public final class GoldenVectors {
    /** One message and the exact datagram that carries it. */
    public record Vector<M>(String name, M message, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The name of this vector's Jazzer regression input: "golden-" and the name in lower case, dashed. */
        public String fuzzSeedName() {
            return "golden-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        }
    }

    // Field values shared by several vectors, as hex exactly as they appear on the wire.
    public static final String COOKIE = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    public static final String IDENTITY_KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" + "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
    public static final String AGREEMENT_KEY = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf" + "e0e1e2e3e4e5e6e7e8e9eaebecedeeef";
    public static final String ZERO_KEY = "00000000000000000000000000000000" + "00000000000000000000000000000000";
    public static final String SIGNATURE = "000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f" + "303132333435363738393a3b3c3d3e3f";
    public static final String TOKEN = "0123456789abcdef";
    /** The session token in the RELAY vectors. */
    public static final String RELAY_TOKEN = "0102030405060708";
    /** Another identity key: the sender a RELAYED names, where it is not the key of the carried HELLO. */
    public static final String SENDER_KEY = "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf" + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    /** The session id alice chose: bob puts it in everything he sends her. High bit set: unsigned on the wire. */
    public static final String ALICE_SESSION = "8877665544332211";
    /** The session id bob chose: alice puts it in everything she sends him. */
    public static final String BOB_SESSION = "1020304050607080";
    /** The challenge in alice's HELLO, echoed (and signed) by bob's HELLO_ACK. */
    public static final String NONCE = "0011223344556677";

    /** 203.0.113.7:40000 */
    public static final String OBSERVED_V4_HEX = "04" + "cb007107" + "9c40";
    /** [2001:db8::1]:5000 */
    public static final String OBSERVED_V6_HEX = "06" + "20010db8000000000000000000000001" + "1388";
    /** 192.168.1.10:41000 */
    public static final String PRIVATE_V4_HEX = "04" + "c0a8010a" + "a028";
    /** [fd00::2]:7000 */
    public static final String PRIVATE_V6_HEX = "06" + "fd000000000000000000000000000002" + "1b58";
    /** [::ffff:10.0.0.1]:9 sent as family 6: it must stay family 6. */
    public static final String MAPPED_V6_HEX = "06" + "00000000000000000000ffff0a000001" + "0009";

    public static final InetSocketAddress OBSERVED_V4 = address("203.0.113.7", 40000);
    public static final InetSocketAddress OBSERVED_V6 = address("2001:db8::1", 5000);
    public static final InetSocketAddress PRIVATE_V4 = address("192.168.1.10", 41000);
    public static final InetSocketAddress PRIVATE_V6 = address("fd00::2", 7000);
    public static final InetSocketAddress MAPPED_V6 = mappedV6(new byte[] {10, 0, 0, 1}, 9);

    /** Where the Jazzer regression inputs of a fuzz test's one method live, under its class's resources. */
    public static final String FUZZ_METHOD = "shouldDecodeCanonicallyOrRejectWithProtocolException";

    private GoldenVectors() {}

    /** Joins hex fragments, ignoring spaces. */
    public static byte[] hex(String... fragments) {
        return HexFormat.of().parseHex(String.join("", fragments).replace(" ", ""));
    }

    /** The hex of {@code bytes}, to put a whole datagram into another one's fragments. */
    public static String toHex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Joins hex fragments and appends the CRC-32C of the result: for the many peer frames a test builds around one
     * field. Computed with the JDK's {@link CRC32C}, not by the codec; the golden vectors keep their checksums
     * literal, and so pin down the algorithm and its byte order.
     */
    public static byte[] hexWithChecksum(String... fragments) {
        return withChecksum(hex(fragments));
    }

    /** The hex of the joined fragments followed by their CRC-32C: a whole peer frame, to carry in a relay. */
    public static String checksummed(String... fragments) {
        return toHex(hexWithChecksum(fragments));
    }

    /** {@code datagram} followed by the CRC-32C of all its bytes, as a big-endian u32. */
    public static byte[] withChecksum(byte[] datagram) {
        CRC32C crc = new CRC32C();
        crc.update(datagram);
        return ByteBuffer.allocate(datagram.length + PeerWire.CHECKSUM_SIZE).put(datagram)
                .putInt((int) crc.getValue()).array();
    }

    /**
     * {@code datagram} followed by the CRC-32C of its bytes from {@code from} on: the trailer of a peer frame that
     * starts at {@code from}, as one carried by a RELAY or RELAYED does.
     */
    public static byte[] withChecksumFrom(byte[] datagram, int from) {
        byte[] carried = withChecksum(Arrays.copyOfRange(datagram, from, datagram.length));
        byte[] whole = Arrays.copyOf(datagram, from + carried.length);
        System.arraycopy(carried, 0, whole, from, carried.length);
        return whole;
    }

    /** A peer frame with its trailer replaced by the right checksum of what precedes it. */
    public static byte[] rechecksummed(byte[] frame) {
        return withChecksum(Arrays.copyOf(frame, frame.length - PeerWire.CHECKSUM_SIZE));
    }

    /** The header of a datagram of type {@code type}, without a body. */
    public static byte[] header(int type) {
        return new byte[] {0x50, 0x32, 0x01, (byte) type};
    }

    public static Octets octets(String hex) {
        return Octets.fromHex(hex.replace(" ", ""));
    }

    public static InetSocketAddress address(String literal, int port) {
        try {
            // A literal address: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** An IPv4-mapped IPv6 address kept as IPv6 ({@code InetAddress.getByName} would turn it into IPv4). */
    public static InetSocketAddress mappedV6(byte[] ipv4, int port) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0xFF;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        try {
            return new InetSocketAddress(Inet6Address.getByAddress(null, bytes, -1), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
