package dev.p2pchat.protocol;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the golden vectors of both codecs share: the field values they are written with, as hex exactly as they
 * appear on the wire, and the helpers that build datagrams by hand. The vectors themselves are in
 * {@code tracker.TrackerGoldenVectors}, {@code peer.PeerGoldenVectors} and {@code peer.LinkGoldenVectors}: written by
 * hand from {@code PROTOCOL.md}, never produced by calling an encoder.
 */
public final class GoldenVectors {
    /** One message and the exact bytes that carry it: a datagram, or the link frame a TRANSPORT seals. */
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
    /** Another identity key: the sender a RELAYED names. */
    public static final String SENDER_KEY = "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf" + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    /**
     * Bytes 4..11 of the payload of PROTOCOL.md's RELAYED example, and of the RELAY example: eight bytes of a peer
     * frame of an earlier draft, which the tracker carries without reading. High bit set.
     */
    public static final String ALICE_SESSION = "8877665544332211";
    /** Bytes 4..11 of the payload of PROTOCOL.md's RELAY example. */
    public static final String BOB_SESSION = "1020304050607080";
    /** The tracker's X25519 public key in a COOKIE_CHALLENGE. */
    public static final String TRACKER_KEY = "404142434445464748494a4b4c4d4e4f" + "505152535455565758595a5b5c5d5e5f";
    /** The X25519 public key of a REGISTER's session. */
    public static final String SESSION_KEY = "606162636465666768696a6b6c6d6e6f" + "707172737475767778797a7b7c7d7e7f";
    /** A REGISTER's timestamp: 1761661963614 ms, 2025-10-28T14:32:43.614Z. */
    public static final String TIMESTAMP = "0000019a2b3c4d5e";
    /**
     * The reset proof of the token {@link #TOKEN}'s session, in REGISTERED and SESSION_UNKNOWN: the first 16 bytes of
     * an HMAC only the tracker can compute, so any 16 bytes on the wire.
     */
    public static final String RESET_PROOF = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

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
     * The hex of {@code length} bytes counting up from {@code first} (wrapping after 0xff): a filler that shows where
     * an opaque field starts and ends in a dump, for the Noise messages and sealed bytes the clear layer never reads.
     */
    public static String counting(int first, int length) {
        StringBuilder hex = new StringBuilder(2 * length);
        for (int i = 0; i < length; i++) {
            hex.append(String.format("%02x", (first + i) & 0xFF));
        }
        return hex.toString();
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
