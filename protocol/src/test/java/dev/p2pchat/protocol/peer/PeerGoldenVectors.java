package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.AGREEMENT_KEY;
import static dev.p2pchat.protocol.GoldenVectors.ALICE_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.NONCE;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.ZERO_KEY;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.PeerFrame.Ack;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Goodbye;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Pong;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Byte vectors of the frames between peers, written by hand from {@code PROTOCOL.md}, one or more per frame type,
 * each beside the record it encodes. Never produced by calling the encoder: they are the independent definition the
 * codec is checked against. Each hex string is laid out one field per line, in wire order.
 *
 * <p>One conversation: alice says HELLO, bob answers, then they exchange peer messages. Each ends with its checksum,
 * the CRC-32C of every byte before it (computed once with java.util.zip.CRC32C, kept literal).
 */
public final class PeerGoldenVectors {
    public static final List<Vector<PeerFrame>> ALL = List.of(
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

    /**
     * The 59th and last fragment with a full payload: 27 + 1125 + 4 (checksum) = 1156 bytes, the largest peer frame.
     * Its checksum was computed apart from the JDK and the codec (a bitwise CRC-32C, reflected polynomial 0x82F63B78)
     * and is kept literal.
     */
    public static final String LARGEST_DATA_HEX = "5032 01 44" + BOB_SESSION + "ffffffffffffffff" + "02"
            + "003a" + "003b" + "0465" + "78".repeat(1125) + "3ee6843c";
    public static final Data LARGEST_DATA = new Data(0x1020304050607080L, -1L, ContentKind.BROADCAST, 58, 59,
            Octets.of("x".repeat(1125).getBytes(StandardCharsets.US_ASCII)));

    private PeerGoldenVectors() {}

    public static Vector<PeerFrame> named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static Vector<PeerFrame> vector(String name, PeerFrame frame, String... hexFields) {
        return new Vector<>(name, frame, hex(hexFields));
    }
}
