package dev.p2pchat.protocol;

import dev.p2pchat.protocol.Message.Ack;
import dev.p2pchat.protocol.Message.CookieChallenge;
import dev.p2pchat.protocol.Message.CookieRequest;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.ErrorReply;
import dev.p2pchat.protocol.Message.Goodbye;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.Introduction;
import dev.p2pchat.protocol.Message.Keepalive;
import dev.p2pchat.protocol.Message.KeepaliveAck;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Message.ListRequest;
import dev.p2pchat.protocol.Message.Lookup;
import dev.p2pchat.protocol.Message.LookupResult;
import dev.p2pchat.protocol.Message.Ok;
import dev.p2pchat.protocol.Message.Ping;
import dev.p2pchat.protocol.Message.Pong;
import dev.p2pchat.protocol.Message.Register;
import dev.p2pchat.protocol.Message.Registered;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import dev.p2pchat.protocol.Message.Rename;
import dev.p2pchat.protocol.Message.Unregister;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Byte vectors written by hand from {@code PROTOCOL.md}, one or more per message type, each beside the record it
 * encodes. Never produced by calling the encoder: they are the independent definition the codec is checked
 * against. Each hex string is laid out one field per line, in wire order.
 */
final class GoldenVectors {
    /** One message and the exact datagram that carries it. */
    record Vector(String name, Message message, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    // Field values shared by several vectors, as hex exactly as they appear on the wire.
    static final String COOKIE = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    static final String IDENTITY_KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" + "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
    static final String AGREEMENT_KEY = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf" + "e0e1e2e3e4e5e6e7e8e9eaebecedeeef";
    static final String ZERO_KEY = "00000000000000000000000000000000" + "00000000000000000000000000000000";
    static final String SIGNATURE = "000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f" + "303132333435363738393a3b3c3d3e3f";
    static final String TOKEN = "0123456789abcdef";
    /** The session token in the RELAY vectors. */
    static final String RELAY_TOKEN = "0102030405060708";
    /** Another identity key: the sender a RELAYED names, where it is not the key of the carried HELLO. */
    static final String SENDER_KEY = "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf" + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    /** The session id alice chose: bob puts it in everything he sends her. High bit set: unsigned on the wire. */
    static final String ALICE_SESSION = "8877665544332211";
    /** The session id bob chose: alice puts it in everything she sends him. */
    static final String BOB_SESSION = "1020304050607080";
    /** The challenge in alice's HELLO, echoed (and signed) by bob's HELLO_ACK. */
    static final String NONCE = "0011223344556677";

    /** 203.0.113.7:40000 */
    static final String OBSERVED_V4_HEX = "04" + "cb007107" + "9c40";
    /** [2001:db8::1]:5000 */
    static final String OBSERVED_V6_HEX = "06" + "20010db8000000000000000000000001" + "1388";
    /** 192.168.1.10:41000 */
    static final String PRIVATE_V4_HEX = "04" + "c0a8010a" + "a028";
    /** [fd00::2]:7000 */
    static final String PRIVATE_V6_HEX = "06" + "fd000000000000000000000000000002" + "1b58";
    /** [::ffff:10.0.0.1]:9 sent as family 6: it must stay family 6. */
    static final String MAPPED_V6_HEX = "06" + "00000000000000000000ffff0a000001" + "0009";

    static final InetSocketAddress OBSERVED_V4 = address("203.0.113.7", 40000);
    static final InetSocketAddress OBSERVED_V6 = address("2001:db8::1", 5000);
    static final InetSocketAddress PRIVATE_V4 = address("192.168.1.10", 41000);
    static final InetSocketAddress PRIVATE_V6 = address("fd00::2", 7000);
    static final InetSocketAddress MAPPED_V6 = mappedV6(new byte[] {10, 0, 0, 1}, 9);

    static final List<Vector> ALL = List.of(
            vector("COOKIE_REQUEST", new CookieRequest(0x01020304),
                    "5032 01 01",
                    "01020304", // txid
                    "00000000000000000000000000000000"), // padding
            vector("COOKIE_CHALLENGE", new CookieChallenge(0x01020304, octets(COOKIE)),
                    "5032 01 02",
                    "01020304", // txid
                    COOKIE),
            vector("REGISTER without private addresses",
                    new Register(0x11223344, octets(COOKIE), "alice", octets(IDENTITY_KEY), octets(AGREEMENT_KEY),
                            1, List.of(), octets(SIGNATURE)),
                    "5032 01 03",
                    "11223344", // txid
                    COOKIE,
                    "05 616c696365", // name "alice"
                    IDENTITY_KEY,
                    AGREEMENT_KEY,
                    "00000001", // capabilities
                    "00", // private address count
                    SIGNATURE),
            vector("REGISTER with an IPv4 and an IPv6 private address",
                    new Register(0x80000001, octets(COOKIE), "bob", octets(IDENTITY_KEY), octets(ZERO_KEY),
                            0xFFFFFFFF, List.of(PRIVATE_V4, PRIVATE_V6), octets(SIGNATURE)),
                    "5032 01 03",
                    "80000001", // txid, high bit set: unsigned on the wire
                    COOKIE,
                    "03 626f62", // name "bob"
                    IDENTITY_KEY,
                    ZERO_KEY, // no agreement key
                    "ffffffff", // capabilities
                    "02", // private address count
                    PRIVATE_V4_HEX,
                    PRIVATE_V6_HEX,
                    SIGNATURE),
            vector("REGISTERED with an IPv4 observed address",
                    new Registered(0x11223344, 0x0123456789ABCDEFL, 90, 25_000, OBSERVED_V4, octets(COOKIE)),
                    "5032 01 04",
                    "11223344", // txid
                    TOKEN,
                    "0000005a", // lease seconds 90
                    "000061a8", // keepalive millis 25000
                    OBSERVED_V4_HEX,
                    COOKIE),
            vector("REGISTERED with an IPv6 observed address",
                    new Registered(1, 0xFEDCBA9876543210L, 300, 15_000, OBSERVED_V6, octets(COOKIE)),
                    "5032 01 04",
                    "00000001", // txid
                    "fedcba9876543210", // token, high bit set
                    "0000012c", // lease seconds 300
                    "00003a98", // keepalive millis 15000
                    OBSERVED_V6_HEX,
                    COOKIE),
            vector("KEEPALIVE",
                    new Keepalive(5, octets(COOKIE), 0x0123456789ABCDEFL, "alice"),
                    "5032 01 05",
                    "00000005", // txid
                    COOKIE,
                    TOKEN,
                    "05 616c696365"), // name "alice"
            vector("KEEPALIVE_ACK with an IPv4 observed address",
                    new KeepaliveAck(5, 25_000, OBSERVED_V4, octets(COOKIE)),
                    "5032 01 06",
                    "00000005", // txid
                    "000061a8", // keepalive millis 25000
                    OBSERVED_V4_HEX,
                    COOKIE),
            vector("KEEPALIVE_ACK with an IPv6 observed address",
                    new KeepaliveAck(6, 24_000, OBSERVED_V6, octets(COOKIE)),
                    "5032 01 06",
                    "00000006", // txid
                    "00005dc0", // keepalive millis 24000
                    OBSERVED_V6_HEX,
                    COOKIE),
            vector("LOOKUP with an empty requester",
                    new Lookup(7, octets(COOKIE), 0, "", "bob"),
                    "5032 01 07",
                    "00000007", // txid
                    COOKIE,
                    "0000000000000000", // token 0: anonymous
                    "00", // requester "" (optional name)
                    "03 626f62"), // target "bob"
            vector("LOOKUP with a requester",
                    new Lookup(8, octets(COOKIE), 0x0123456789ABCDEFL, "alice", "bob"),
                    "5032 01 07",
                    "00000008", // txid
                    COOKIE,
                    TOKEN,
                    "05 616c696365", // requester "alice"
                    "03 626f62"), // target "bob"
            vector("LOOKUP_RESULT with IPv4 observed and three private addresses",
                    new LookupResult(8, new PeerInfo("bob", octets(IDENTITY_KEY), octets(AGREEMENT_KEY), 0,
                            OBSERVED_V4, List.of(PRIVATE_V4, PRIVATE_V6, MAPPED_V6))),
                    "5032 01 08",
                    "00000008", // txid
                    "03 626f62", // name "bob"
                    IDENTITY_KEY,
                    AGREEMENT_KEY,
                    "00000000", // capabilities
                    OBSERVED_V4_HEX,
                    "03", // private address count
                    PRIVATE_V4_HEX,
                    PRIVATE_V6_HEX,
                    MAPPED_V6_HEX),
            vector("INTRODUCTION with IPv6 observed and no private address",
                    new Introduction(new PeerInfo("alice", octets(IDENTITY_KEY), octets(ZERO_KEY), 1, OBSERVED_V6,
                            List.of())),
                    "5032 01 09",
                    "05 616c696365", // name "alice"
                    IDENTITY_KEY,
                    ZERO_KEY, // no agreement key
                    "00000001", // capabilities
                    OBSERVED_V6_HEX,
                    "00"), // private address count
            vector("LIST",
                    new ListRequest(10, octets(COOKIE), 0),
                    "5032 01 0a",
                    "0000000a", // txid
                    COOKIE,
                    "00000000"), // cursor: first page
            vector("LIST_PAGE with three entries",
                    new ListPage(10, 3, 5, List.of(
                            new ListPage.Entry("alice", octets(IDENTITY_KEY)),
                            new ListPage.Entry("bob", octets(AGREEMENT_KEY)),
                            new ListPage.Entry("Z~!", octets(ZERO_KEY)))),
                    "5032 01 0b",
                    "0000000a", // txid
                    "00000003", // next cursor
                    "00000005", // total
                    "03", // count
                    "05 616c696365", IDENTITY_KEY, // "alice"
                    "03 626f62", AGREEMENT_KEY, // "bob"
                    "03 5a7e21", ZERO_KEY), // "Z~!": valid on the wire, though not a name the tracker accepts
            vector("LIST_PAGE without entries",
                    new ListPage(11, 0, 0, List.of()),
                    "5032 01 0b",
                    "0000000b", // txid
                    "00000000", // next cursor: last page
                    "00000000", // total
                    "00"), // count
            vector("RENAME",
                    new Rename(12, octets(COOKIE), 0x0123456789ABCDEFL, "alice", "alice2", octets(SIGNATURE)),
                    "5032 01 0c",
                    "0000000c", // txid
                    COOKIE,
                    TOKEN,
                    "05 616c696365", // name "alice"
                    "06 616c69636532", // new name "alice2"
                    SIGNATURE),
            vector("UNREGISTER",
                    new Unregister(13, octets(COOKIE), 0x0123456789ABCDEFL, "alice", octets(SIGNATURE)),
                    "5032 01 0d",
                    "0000000d", // txid
                    COOKIE,
                    TOKEN,
                    "05 616c696365", // name "alice"
                    SIGNATURE),
            vector("OK",
                    new Ok(14),
                    "5032 01 0e",
                    "0000000e"), // txid
            vector("ERROR",
                    new ErrorReply(0x0A0B0C0D, ErrorCode.NAME_TAKEN),
                    "5032 01 0f",
                    "0a0b0c0d", // txid
                    "02"), // NAME_TAKEN

            // The tracker's relay. What a RELAY or RELAYED carries is a peer-to-peer vector from below, byte for byte,
            // its own checksum included; the relay adds no checksum of its own.
            vector("RELAY carrying a PING",
                    new Relay(0x0102030405060708L, octets(IDENTITY_KEY), new Ping(0x1020304050607080L, 0x80000001)),
                    "5032 01 10",
                    RELAY_TOKEN, // token: the sender's session token
                    IDENTITY_KEY, // target: the identity key of the peer to pass the datagram on to
                    "5032 01 42", // the PING vector below, unchanged
                    BOB_SESSION,
                    "80000001",
                    "eb50a391"), // the PING's checksum: CRC-32C of the PING's 16 bytes before it, not of the RELAY
            vector("RELAYED carrying an ACK",
                    new Relayed(octets(SENDER_KEY), new Ack(0x8877665544332211L, 7, 2)),
                    "5032 01 11",
                    SENDER_KEY, // sender: the identity key of the registered peer that sent the RELAY
                    "5032 01 45", // the ACK vector below, unchanged
                    ALICE_SESSION,
                    "0000000000000007",
                    "0002",
                    "b09053a5"), // the ACK's checksum
            vector("RELAYED carrying a HELLO",
                    new Relayed(octets(IDENTITY_KEY), new Hello(0x8877665544332211L, 0x0011223344556677L, "alice",
                            octets(IDENTITY_KEY), octets(AGREEMENT_KEY), 1, octets(SIGNATURE))),
                    "5032 01 11",
                    IDENTITY_KEY, // sender: the same key as the HELLO's identity key, as the receiver requires
                    "5032 01 40", // the HELLO vector below, unchanged
                    ALICE_SESSION,
                    NONCE,
                    "05 616c696365",
                    IDENTITY_KEY,
                    AGREEMENT_KEY,
                    "00000001",
                    SIGNATURE,
                    "dff443af"), // the HELLO's checksum

            // One conversation: alice says HELLO, bob answers, then they exchange peer messages. Each ends with its
            // checksum, the CRC-32C of every byte before it (computed once with java.util.zip.CRC32C, kept literal).
            vector("HELLO",
                    new Hello(0x8877665544332211L, 0x0011223344556677L, "alice", octets(IDENTITY_KEY),
                            octets(AGREEMENT_KEY), 1, octets(SIGNATURE)),
                    "5032 01 40",
                    ALICE_SESSION, // session: the id alice chose
                    NONCE, // nonce: the challenge
                    "05 616c696365", // name "alice"
                    IDENTITY_KEY,
                    AGREEMENT_KEY,
                    "00000001", // capabilities
                    SIGNATURE,
                    "dff443af"), // checksum: CRC-32C of the 158 bytes above
            vector("HELLO_ACK",
                    new HelloAck(0x1020304050607080L, 0x0011223344556677L, "bob", octets(IDENTITY_KEY),
                            octets(ZERO_KEY), 0xFFFFFFFF, octets(SIGNATURE)),
                    "5032 01 41",
                    BOB_SESSION, // session: the id bob chose
                    NONCE, // nonce: copied from the HELLO it answers
                    "03 626f62", // name "bob"
                    IDENTITY_KEY,
                    ZERO_KEY, // no agreement key
                    "ffffffff", // capabilities
                    SIGNATURE,
                    "23cd7055"), // checksum
            vector("PING",
                    new Ping(0x1020304050607080L, 0x80000001),
                    "5032 01 42",
                    BOB_SESSION, // alice to bob: bob's session id
                    "80000001", // sequence, high bit set
                    "eb50a391"), // checksum
            vector("PONG",
                    new Pong(0x8877665544332211L, 0x80000001),
                    "5032 01 43",
                    ALICE_SESSION, // bob to alice: alice's session id
                    "80000001", // sequence copied from the PING
                    "29223518"), // checksum
            vector("DATA with an empty payload",
                    new Data(0x8877665544332211L, 1, ContentKind.FRIEND_ACCEPT, 0, 1, Octets.zeros(0)),
                    "5032 01 44",
                    ALICE_SESSION, // bob to alice
                    "0000000000000001", // message id 1: bob's first message to alice
                    "05", // kind FRIEND_ACCEPT
                    "0000", // fragment 0
                    "0001", // of 1 fragment
                    "0000", // payload length 0, no payload
                    "32c0237b"), // checksum
            vector("DATA that is the last fragment of a message",
                    new Data(0x1020304050607080L, 7, ContentKind.TEXT, 2, 3, octets("6f2c20776f726c6421")),
                    "5032 01 44",
                    BOB_SESSION, // alice to bob
                    "0000000000000007", // message id 7
                    "01", // kind TEXT
                    "0002", // fragment 2
                    "0003", // of 3 fragments: the last one
                    "0009", // payload length
                    "6f2c20776f726c6421", // "o, world!", UTF-8
                    "f579fef4"), // checksum
            vector("DATA NAME_CHANGED in one fragment",
                    new Data(0x1020304050607080L, 8, ContentKind.NAME_CHANGED, 0, 1, octets("616c69636532")),
                    "5032 01 44",
                    BOB_SESSION, // alice to bob
                    "0000000000000008", // message id 8
                    "03", // kind NAME_CHANGED
                    "0000", // fragment 0
                    "0001", // of 1 fragment
                    "0006", // payload length
                    "616c69636532", // new name "alice2", ASCII
                    "239202b4"), // checksum
            vector("ACK",
                    new Ack(0x8877665544332211L, 7, 2),
                    "5032 01 45",
                    ALICE_SESSION, // bob to alice
                    "0000000000000007", // message id 7
                    "0002", // fragment 2
                    "b09053a5"), // checksum
            vector("GOODBYE",
                    new Goodbye(0x1020304050607080L),
                    "5032 01 46",
                    BOB_SESSION, // alice to bob
                    "2052b54c")); // checksum

    private GoldenVectors() {}

    static Vector named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** Joins hex fragments, ignoring spaces. */
    static byte[] hex(String... fragments) {
        return HexFormat.of().parseHex(String.join("", fragments).replace(" ", ""));
    }

    /**
     * Joins hex fragments and appends the CRC-32C of the result: for the many peer-to-peer datagrams a test builds
     * around one field. Computed with the JDK's {@link CRC32C}, not by the codec; the golden vectors above keep
     * their checksums literal, and so pin down the algorithm and its byte order.
     */
    static byte[] hexWithChecksum(String... fragments) {
        return withChecksum(hex(fragments));
    }

    /** {@code datagram} followed by the CRC-32C of all its bytes, as a big-endian u32. */
    static byte[] withChecksum(byte[] datagram) {
        CRC32C crc = new CRC32C();
        crc.update(datagram);
        return ByteBuffer.allocate(datagram.length + Wire.CHECKSUM_SIZE).put(datagram).putInt((int) crc.getValue())
                .array();
    }

    /**
     * {@code datagram} followed by the CRC-32C of its bytes from {@code from} on: the trailer of a peer-to-peer
     * datagram that starts at {@code from}, as one inside a RELAY or RELAYED does.
     */
    static byte[] withChecksumFrom(byte[] datagram, int from) {
        byte[] carried = withChecksum(Arrays.copyOfRange(datagram, from, datagram.length));
        byte[] whole = Arrays.copyOf(datagram, from + carried.length);
        System.arraycopy(carried, 0, whole, from, carried.length);
        return whole;
    }

    /**
     * Where the peer-to-peer datagram in the encoding of {@code message} starts: 0 for one sent alone, after the
     * fields of a RELAY or RELAYED for one carried; -1 for the other tracker messages, which hold none.
     */
    static int peerDatagramOffset(Message message) {
        return switch (message.type()) {
            case RELAY -> Wire.RELAY_FIXED_SIZE;
            case RELAYED -> Wire.RELAYED_FIXED_SIZE;
            default -> Wire.hasChecksum(message.type().code()) ? 0 : -1;
        };
    }

    /** A peer-to-peer datagram with its trailer replaced by the right checksum of what precedes it. */
    static byte[] rechecksummed(byte[] datagram) {
        return withChecksum(Arrays.copyOf(datagram, datagram.length - Wire.CHECKSUM_SIZE));
    }

    static Octets octets(String hex) {
        return Octets.fromHex(hex);
    }

    static InetSocketAddress address(String literal, int port) {
        try {
            // A literal address: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** An IPv4-mapped IPv6 address kept as IPv6 ({@code InetAddress.getByName} would turn it into IPv4). */
    static InetSocketAddress mappedV6(byte[] ipv4, int port) {
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

    private static Vector vector(String name, Message message, String... hexFields) {
        return new Vector(name, message, hex(hexFields));
    }
}
