package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.AGREEMENT_KEY;
import static dev.p2pchat.protocol.GoldenVectors.ALICE_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.MAPPED_V6;
import static dev.p2pchat.protocol.GoldenVectors.MAPPED_V6_HEX;
import static dev.p2pchat.protocol.GoldenVectors.OBSERVED_V4;
import static dev.p2pchat.protocol.GoldenVectors.OBSERVED_V4_HEX;
import static dev.p2pchat.protocol.GoldenVectors.OBSERVED_V6;
import static dev.p2pchat.protocol.GoldenVectors.OBSERVED_V6_HEX;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V4;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V4_HEX;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V6;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V6_HEX;
import static dev.p2pchat.protocol.GoldenVectors.RELAY_TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.RESET_PROOF;
import static dev.p2pchat.protocol.GoldenVectors.SENDER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SESSION_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.TIMESTAMP;
import static dev.p2pchat.protocol.GoldenVectors.TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.TRACKER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.ZERO_KEY;
import static dev.p2pchat.protocol.GoldenVectors.counting;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static dev.p2pchat.protocol.GoldenVectors.toHex;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerGoldenVectors;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte vectors of the messages between a peer and the tracker, written by hand from {@code PROTOCOL.md}, one or
 * more per message type, each beside the record it encodes. Never produced by calling the encoder: they are the
 * independent definition the codec is checked against. Each hex string is laid out one field per line, in wire
 * order.
 */
public final class TrackerGoldenVectors {
    /**
     * The 20-byte payload of PROTOCOL.md's RELAY example, byte for byte: a PING of an earlier draft of the peer frames.
     * The tracker never reads it; a peer would drop it (type 0x42 is now RESPONSE_IK, of 205 bytes).
     */
    private static final String PING = "5032 01 42" + BOB_SESSION + "80000001" + "eb50a391";
    /** The 26-byte payload of PROTOCOL.md's RELAYED example: an ACK of the same draft, as opaque to the tracker. */
    private static final String ACK = "5032 01 45" + ALICE_SESSION + "0000000000000007" + "0002" + "b09053a5";
    /** The INITIATION_XX of {@code PeerGoldenVectors}: a RELAYED names its sender, which an XX initiation does not. */
    private static final String INITIATION_XX = toHex(PeerGoldenVectors.named("INITIATION_XX").bytes());

    /** The ids of the MAIL_ACK that names the most: 1 to 63, and the largest id there is, 2^63 - 1. */
    private static final List<Long> MOST_MAIL_IDS = mostMailIds();

    /** Where the box of a SEALED starts: after its header, session and counter, which are its associated data. */
    public static final int BOX_OFFSET = Wire.HEADER_SIZE + 2 * Long.BYTES;

    public static final List<Vector<TrackerMessage>> ALL = List.of(
            vector("COOKIE_REQUEST", new CookieRequest(0x01020304),
                    "5032 01 01",
                    "01020304", // txid
                    "00000000000000000000000000000000", // padding: 48 zeros, for the challenge's cookie
                    ZERO_KEY), // and tracker key
            vector("COOKIE_CHALLENGE", new CookieChallenge(0x01020304, octets(COOKIE), octets(TRACKER_KEY)),
                    "5032 01 02",
                    "01020304", // txid
                    COOKIE,
                    TRACKER_KEY), // the tracker's X25519 key, which the peer pins
            vector("REGISTER without private addresses",
                    new Register(0x11223344, octets(COOKIE), "alice", octets(IDENTITY_KEY), octets(AGREEMENT_KEY),
                            1, List.of(), octets(SESSION_KEY), 0x0000019A2B3C4D5EL, octets(SIGNATURE)),
                    "5032 01 03",
                    "11223344", // txid
                    COOKIE,
                    "05 616c696365", // name "alice"
                    IDENTITY_KEY,
                    AGREEMENT_KEY,
                    "00000001", // capabilities
                    "00", // private address count
                    SESSION_KEY, // the X25519 key of this registration's session
                    TIMESTAMP, // 1761661963614 ms
                    SIGNATURE),
            vector("REGISTER with an IPv4 and an IPv6 private address",
                    new Register(0x80000001, octets(COOKIE), "bob", octets(IDENTITY_KEY), octets(ZERO_KEY),
                            0xFFFFFFFF, List.of(PRIVATE_V4, PRIVATE_V6), octets(SESSION_KEY), 0x0000019A2B3C5146L,
                            octets(SIGNATURE)),
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
                    SESSION_KEY, // session key
                    "0000019a2b3c5146", // timestamp: a second after alice's REGISTER
                    SIGNATURE),
            vector("REGISTERED with an IPv4 observed address",
                    new Registered(0x11223344, 0x0123456789ABCDEFL, 90, 25_000, OBSERVED_V4, octets(COOKIE),
                            octets(RESET_PROOF)),
                    "5032 01 04",
                    "11223344", // txid
                    TOKEN,
                    "0000005a", // lease seconds 90
                    "000061a8", // keepalive millis 25000
                    OBSERVED_V4_HEX,
                    COOKIE,
                    RESET_PROOF), // what a SESSION_UNKNOWN of this session carries: 63 bytes in all
            vector("REGISTERED with an IPv6 observed address",
                    new Registered(1, 0xFEDCBA9876543210L, 300, 15_000, OBSERVED_V6, octets(COOKIE),
                            octets(counting(0x10, 16))),
                    "5032 01 04",
                    "00000001", // txid
                    "fedcba9876543210", // token, high bit set
                    "0000012c", // lease seconds 300
                    "00003a98", // keepalive millis 15000
                    OBSERVED_V6_HEX,
                    COOKIE,
                    counting(0x10, 16)), // reset proof: 75 bytes in all
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

            // The tracker's relay. What a RELAY or RELAYED carries is an opaque payload: the two examples of
            // PROTOCOL.md, and a peer frame vector, byte for byte. The relay adds nothing of its own.
            vector("RELAY carrying 20 opaque bytes",
                    new Relay(0x0102030405060708L, octets(IDENTITY_KEY), octets(PING)),
                    "5032 01 10",
                    RELAY_TOKEN, // token: the sender's session token
                    IDENTITY_KEY, // target: the identity key of the peer to pass the payload on to
                    "5032 01 42", // payload: PROTOCOL.md's 20 bytes, unchanged
                    BOB_SESSION,
                    "80000001",
                    "eb50a391"),
            vector("RELAYED carrying 26 opaque bytes",
                    new Relayed(octets(SENDER_KEY), octets(ACK)),
                    "5032 01 11",
                    SENDER_KEY, // sender: the identity key of the registered peer that sent the RELAY
                    "5032 01 45", // payload: PROTOCOL.md's 26 bytes, unchanged
                    ALICE_SESSION,
                    "0000000000000007",
                    "0002",
                    "b09053a5"),
            vector("RELAYED carrying an INITIATION_XX",
                    new Relayed(octets(SENDER_KEY), octets(INITIATION_XX)),
                    "5032 01 11",
                    SENDER_KEY, // sender: where the responder relays its RESPONSE_XX to
                    INITIATION_XX), // payload: the 253 bytes of the peer frame vector, unchanged

            // The seal of a session: every message after REGISTER, both ways, travels inside a SEALED. The codec
            // never opens the box (SessionCipher does), so these fill it with counting bytes.
            vector("SEALED of the smallest size",
                    new Sealed(0x0123456789ABCDEFL, 0, octets(counting(0x00, 8) + counting(0x80, 16))),
                    "5032 01 12",
                    TOKEN, // session: the token of the registration's REGISTERED
                    "0000000000000000", // counter 0: the first message of this direction
                    counting(0x00, 8), // the sealed message: 8 bytes, an OK, encrypted
                    counting(0x80, 16)), // tag: 44 bytes in all
            vector("SEALED answering a refused REGISTER",
                    new Sealed(0x0102030405060708L, 0, octets(counting(0x20, 9) + counting(0x90, 16))),
                    "5032 01 12",
                    "0102030405060708", // session: a fresh random number of the refusal's own (never 0), no token
                    "0000000000000000", // counter 0: the one message ever sealed in that session
                    counting(0x20, 9), // an ERROR (9 bytes), encrypted
                    counting(0x90, 16)), // tag
            vector("SEALED of the largest size",
                    new Sealed(0xFEDCBA9876543210L, 0x1F4, octets(counting(0x00, 1164) + counting(0x64, 16))),
                    "5032 01 12",
                    "fedcba9876543210", // session, high bit set: unsigned on the wire
                    "00000000000001f4", // counter 500
                    counting(0x00, 1164), // the largest sealed message (a RELAY of the largest peer frame)
                    counting(0x64, 16)), // tag: 1200 bytes in all
            vector("SESSION_UNKNOWN",
                    new SessionUnknown(0x0123456789ABCDEFL, octets(RESET_PROOF)),
                    "5032 01 13",
                    TOKEN, // session: the one the SEALED named, which the tracker does not hold
                    RESET_PROOF), // its reset proof, as the REGISTERED of that session carried it: 28 bytes
            // The mailbox. What a DEPOSIT or MAIL carries is opaque: the peers' sealed mail, counting bytes here.
            vector("DEPOSIT of one byte",
                    new Deposit(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, octets(IDENTITY_KEY),
                            octets("5a")),
                    "5032 01 14",
                    "01020304", // txid
                    COOKIE,
                    TOKEN,
                    IDENTITY_KEY, // recipient: its identity key
                    "0001", // mail length
                    "5a"), // 67 bytes in all
            vector("DEPOSIT of the largest mail",
                    new Deposit(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, octets(IDENTITY_KEY),
                            octets(counting(0x00, 1098))),
                    "5032 01 14",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    IDENTITY_KEY,
                    "044a", // 1098 = MAX_MAIL_SIZE
                    counting(0x00, 1098)), // 1164 bytes: a whole SEALED's message
            vector("FETCH from the start",
                    new Fetch(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, 0),
                    "5032 01 15",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    "0000000000000000"), // after: 0, the first piece; 40 bytes in all
            vector("MAIL: one piece, two more after it",
                    new Mail(0x01020304, 0x2A, 2, octets("c0ffee")),
                    "5032 01 16",
                    "01020304",
                    "000000000000002a", // id 42
                    "00000002", // remaining
                    "0003", // mail length
                    "c0ffee"),
            vector("MAIL: none left",
                    new Mail(0x01020304, 0, 0, Octets.zeros(0)),
                    "5032 01 16",
                    "01020304",
                    "0000000000000000", // id 0: nothing
                    "00000000",
                    "0000"), // 22 bytes in all
            vector("MAIL_ACK of two ids",
                    new MailAck(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, List.of(0x2AL, 0x2BL)),
                    "5032 01 17",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    "02", // count
                    "000000000000002a",
                    "000000000000002b"), // 49 bytes in all
            vector("FETCH after the largest id",
                    new Fetch(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, Long.MAX_VALUE),
                    "5032 01 15",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    "7fffffffffffffff"), // after: 2^63 - 1, the largest id there is
            vector("MAIL of the largest piece",
                    new Mail(0xFFFFFFFF, Long.MAX_VALUE, Integer.MAX_VALUE, octets(counting(0x00, 1098))),
                    "5032 01 16",
                    "ffffffff", // txid, high bit set: unsigned on the wire
                    "7fffffffffffffff", // id 2^63 - 1
                    "7fffffff", // remaining 2^31 - 1
                    "044a", // 1098 = MAX_MAIL_SIZE
                    counting(0x00, 1098)), // 1120 bytes in all: smaller than the DEPOSIT that left it
            vector("MAIL_ACK of one id",
                    new MailAck(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, List.of(1L)),
                    "5032 01 17",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    "01", // count
                    "0000000000000001"), // the first id there is; 41 bytes in all
            vector("MAIL_ACK of the most ids",
                    new MailAck(0x01020304, octets(COOKIE), 0x0123456789ABCDEFL, MOST_MAIL_IDS),
                    "5032 01 17",
                    "01020304",
                    COOKIE,
                    TOKEN,
                    "40", // count 64 = MAX_MAIL_ACK_IDS
                    "0000000000000001",
                    "0000000000000002",
                    "0000000000000003",
                    "0000000000000004",
                    "0000000000000005",
                    "0000000000000006",
                    "0000000000000007",
                    "0000000000000008",
                    "0000000000000009",
                    "000000000000000a",
                    "000000000000000b",
                    "000000000000000c",
                    "000000000000000d",
                    "000000000000000e",
                    "000000000000000f",
                    "0000000000000010",
                    "0000000000000011",
                    "0000000000000012",
                    "0000000000000013",
                    "0000000000000014",
                    "0000000000000015",
                    "0000000000000016",
                    "0000000000000017",
                    "0000000000000018",
                    "0000000000000019",
                    "000000000000001a",
                    "000000000000001b",
                    "000000000000001c",
                    "000000000000001d",
                    "000000000000001e",
                    "000000000000001f",
                    "0000000000000020",
                    "0000000000000021",
                    "0000000000000022",
                    "0000000000000023",
                    "0000000000000024",
                    "0000000000000025",
                    "0000000000000026",
                    "0000000000000027",
                    "0000000000000028",
                    "0000000000000029",
                    "000000000000002a",
                    "000000000000002b",
                    "000000000000002c",
                    "000000000000002d",
                    "000000000000002e",
                    "000000000000002f",
                    "0000000000000030",
                    "0000000000000031",
                    "0000000000000032",
                    "0000000000000033",
                    "0000000000000034",
                    "0000000000000035",
                    "0000000000000036",
                    "0000000000000037",
                    "0000000000000038",
                    "0000000000000039",
                    "000000000000003a",
                    "000000000000003b",
                    "000000000000003c",
                    "000000000000003d",
                    "000000000000003e",
                    "000000000000003f",
                    "7fffffffffffffff")); // the largest id there is; 33 + 64 * 8 = 545 bytes in all

    private TrackerGoldenVectors() {}

    public static Vector<TrackerMessage> named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** Where the payload of a RELAY or RELAYED starts in its encoding; -1 for the other messages, which hold none. */
    public static int payloadOffset(TrackerMessage message) {
        return switch (message.type()) {
            case RELAY -> TrackerWire.RELAY_FIXED_SIZE;
            case RELAYED -> TrackerWire.RELAYED_FIXED_SIZE;
            default -> -1;
        };
    }

    /** The payload of a RELAY or RELAYED. */
    public static byte[] payload(TrackerMessage message) {
        if (message instanceof Relay relay) {
            return relay.payload().toByteArray();
        }
        if (message instanceof Relayed relayed) {
            return relayed.payload().toByteArray();
        }
        throw new IllegalArgumentException("carries no payload: " + message);
    }

    private static List<Long> mostMailIds() {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id < TrackerWire.MAX_MAIL_ACK_IDS; id++) {
            ids.add(id);
        }
        ids.add(Long.MAX_VALUE);
        return List.copyOf(ids);
    }

    private static Vector<TrackerMessage> vector(String name, TrackerMessage message, String... hexFields) {
        return new Vector<>(name, message, hex(hexFields));
    }
}
