package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Goodbye;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.LinkFrame.Pong;
import dev.p2pchat.protocol.peer.LinkFrame.Skip;
import dev.p2pchat.protocol.peer.LinkFrame.Skipped;
import java.util.Collections;
import java.util.List;

/**
 * Byte vectors of the link frames a TRANSPORT frame seals, written by hand from {@code PROTOCOL.md} ("Link frames",
 * and its Examples section, which appear here byte for byte), one or more per kind, each beside the record it encodes.
 * Never produced by calling the encoder. Each hex string is laid out one field per line, in wire order.
 */
public final class LinkGoldenVectors {
    /** "o, world!", UTF-8: the text of PROTOCOL.md's DATA example. */
    public static final String TEXT = "6f2c20776f726c6421";

    public static final List<Vector<LinkFrame>> ALL = List.of(
            vector("PING",
                    new Ping(0x80000001, 0, 0),
                    "01", // kind PING
                    "80000001", // sequence, high bit set
                    "00"), // no flags, no padding
            vector("PING with the PROBE flag",
                    new Ping(7, LinkFrame.PROBE, 0),
                    "01",
                    "00000007", // sequence
                    "01"), // flags: PROBE
            vector("PING padded to 16 bytes",
                    new Ping(8, 0, 10),
                    "01",
                    "00000008", // sequence
                    "00", // no flags
                    "00000000000000000000"), // padding: 10 zeros
            vector("PING with the PROBE flag padded to the largest link frame",
                    new Ping(9, LinkFrame.PROBE, 1082),
                    "01",
                    "00000009", // sequence
                    "01", // flags: PROBE
                    "00".repeat(1082)), // padding: 1 + 4 + 1 + 1082 = 1088 bytes, a full TRANSPORT of 1120
            vector("PONG",
                    new Pong(0x80000001, 0),
                    "02", // kind PONG
                    "80000001", // the PING's sequence
                    "00"), // no flags
            vector("PONG with the PROBE flag",
                    new Pong(7, LinkFrame.PROBE),
                    "02",
                    "00000007", // sequence
                    "01"), // flags: PROBE, answering a probe
            vector("DATA",
                    new Data(new AckBlock(3, List.of()), 7, ContentKind.TEXT, 9, 0, octets(TEXT)),
                    "03", // kind DATA
                    "00000003", // ack cursor: messages 1 and 2 delivered
                    "00", // no ack entries
                    "00000007", // message id
                    "01", // content kind TEXT
                    "00000009", // total: the message has 9 bytes
                    "0000", // offset
                    TEXT), // payload: all 9 bytes
            vector("DATA with two acknowledgement entries",
                    new Data(new AckBlock(5, List.of(new AckEntry(6, 0, 1071), new AckEntry(8, 1071, 12))), 10,
                            ContentKind.BROADCAST, 1200, 1071, octets("78".repeat(129))),
                    "03",
                    "00000005", // ack cursor
                    "02", // two entries
                    "00000006", "0000", "042f", // message 6, 1071 bytes from offset 0
                    "00000008", "042f", "000c", // message 8, 12 bytes from offset 1071
                    "0000000a", // message id 10
                    "02", // content kind BROADCAST
                    "000004b0", // total 1200
                    "042f", // offset 1071: the second piece
                    "78".repeat(129)), // payload: the last 129 bytes
            vector("DATA of an empty message",
                    new Data(AckBlock.NONE, 1, ContentKind.FRIEND_ACCEPT, 0, 0, Octets.zeros(0)),
                    "03",
                    "00000001", // ack cursor 1: nothing delivered yet
                    "00", // no entries
                    "00000001", // message id 1: the first of this direction
                    "05", // content kind FRIEND_ACCEPT, which holds nothing
                    "00000000", // total 0
                    "0000"), // offset 0, and no payload
            vector("DATA of a full piece",
                    new Data(new AckBlock(0xFFFF_FFFFL, List.of()), 0xFFFF_FFFFL, ContentKind.TEXT, 65536, 64260,
                            octets("78".repeat(1071))),
                    "03",
                    "ffffffff", // ack cursor: the largest message id
                    "00", // no entries
                    "ffffffff", // message id 2^32 - 1
                    "01", // content kind TEXT
                    "00010000", // total 65536, the largest message
                    "fb04", // offset 64260: the 61st piece, the last full one
                    "78".repeat(1071)), // payload: 1071 bytes, MAX_PIECE; 1088 bytes in all
            vector("DATA of the last byte of the largest message",
                    new Data(new AckBlock(2, List.of()), 4, ContentKind.FRIEND_REQUEST, 65536, 65535, octets("21")),
                    "03",
                    "00000002", // ack cursor
                    "00", // no entries
                    "00000004", // message id
                    "04", // content kind FRIEND_REQUEST
                    "00010000", // total 65536
                    "ffff", // offset 65535
                    "21"), // payload: "!"
            vector("ACK without entries",
                    new Ack(new AckBlock(1, List.of())),
                    "04", // kind ACK
                    "00000001", // cursor 1: nothing delivered yet
                    "00"), // no entries
            vector("ACK",
                    new Ack(new AckBlock(8, List.of(new AckEntry(9, 1071, 12)))),
                    "04",
                    "00000008", // cursor 8
                    "01", // one entry
                    "00000009", // message 9
                    "042f", // offset 1071
                    "000c"), // 12 bytes
            vector("ACK with three entries",
                    new Ack(new AckBlock(12, List.of(new AckEntry(13, 0, 1071), new AckEntry(13, 2142, 1071),
                            new AckEntry(0x8000_0000L, 0, 0)))),
                    "04",
                    "0000000c", // cursor 12
                    "03", // three entries
                    "0000000d", "0000", "042f", // message 13, 1071 bytes from offset 0
                    "0000000d", "085e", "042f", // message 13, 1071 bytes from offset 2142
                    "80000000", "0000", "0000"), // message 2^31, empty: an empty message's only piece
            vector("ACK with the most entries",
                    new Ack(new AckBlock(40, Collections.nCopies(64, new AckEntry(42, 0, 1)))),
                    "04",
                    "00000028", // cursor 40
                    "40", // 64 entries, the most
                    ("0000002a" + "0000" + "0001").repeat(64)), // each: message 42, 1 byte from offset 0
            vector("SKIP",
                    new Skip(9),
                    "05", // kind SKIP
                    "00000009"), // message id
            vector("SKIPPED, not delivered",
                    new Skipped(9, false),
                    "06", // kind SKIPPED
                    "00000009", // message id
                    "00"), // delivered 0: skipped unseen
            vector("SKIPPED, delivered",
                    new Skipped(9, true),
                    "06",
                    "00000009", // message id
                    "01"), // delivered 1: it had been handed on
            vector("GOODBYE",
                    new Goodbye(),
                    "07")); // kind GOODBYE, nothing else

    private LinkGoldenVectors() {}

    public static Vector<LinkFrame> named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static Vector<LinkFrame> vector(String name, LinkFrame frame, String... hexFields) {
        return new Vector<>(name, frame, hex(hexFields));
    }
}
