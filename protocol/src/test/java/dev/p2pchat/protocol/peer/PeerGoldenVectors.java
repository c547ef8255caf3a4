package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.counting;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.util.List;
import java.util.Map;

/**
 * Byte vectors of the clear layer of the frames between peers, written by hand from {@code PROTOCOL.md} ("Peer-to-peer
 * frames"), one or more per frame type, each beside the record it encodes. Never produced by calling the encoder:
 * they are the independent definition the codec is checked against. Each hex string is laid out one field per line,
 * in wire order.
 *
 * <p>The clear layer never reads the Noise messages, MACs and sealed bytes, so these vectors fill them with bytes
 * counting up from a field's first byte ({@link dev.p2pchat.protocol.GoldenVectors#counting}): a dump shows where each
 * field starts. {@code SealedPeerFramesTest} fills the same layouts with real handshakes and seals.
 *
 * <p>One handshake: the initiator chose index {@link #INITIATOR_INDEX}, the responder {@link #RESPONDER_INDEX}; each
 * frame after the initiation carries the index of the side that receives it.
 */
public final class PeerGoldenVectors {
    /** The index the initiator chose for its handshake. High bit set: unsigned on the wire. */
    public static final String INITIATOR_INDEX = "81828384";
    /** The index the responder chose: the receiver index of PROTOCOL.md's TRANSPORT example. */
    public static final String RESPONDER_INDEX = "01020304";
    public static final String MAC1 = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    /** mac2 of an initiator that holds a cookie of the responder's; 16 zeros stand for none. */
    public static final String MAC2 = "e0e1e2e3e4e5e6e7e8e9eaebecedeeef";
    public static final String NO_MAC2 = "00000000000000000000000000000000";

    /** The one size of each handshake frame, from the headings of PROTOCOL.md; a TRANSPORT has 33 to 1120 bytes. */
    public static final Map<FrameType, Integer> HANDSHAKE_SIZES = Map.of(
            FrameType.INITIATION_IK, 281,
            FrameType.INITIATION_XX, 253,
            FrameType.RESPONSE_IK, 205,
            FrameType.RESPONSE_XX, 253,
            FrameType.FINISH_XX, 217,
            FrameType.COOKIE_REPLY, 52);

    public static final List<Vector<PeerFrame>> ALL = List.of(
            vector("INITIATION_IK without a cookie",
                    new Initiation(FrameType.INITIATION_IK, 0x81828384, octets(counting(0x00, 241)), octets(MAC1),
                            octets(NO_MAC2)),
                    "5032 01 40",
                    INITIATOR_INDEX, // sender index
                    counting(0x00, 32), // e
                    counting(0x20, 48), // s, sealed: 32 + tag 16
                    counting(0x50, 161), // the handshake payload, sealed: 145 + tag 16
                    MAC1, // at offset 249
                    NO_MAC2), // at offset 265: zeros, no cookie
            vector("INITIATION_IK with a cookie",
                    new Initiation(FrameType.INITIATION_IK, 0x81828384, octets(counting(0x00, 241)), octets(MAC1),
                            octets(MAC2)),
                    "5032 01 40",
                    INITIATOR_INDEX, // sender index
                    counting(0x00, 32), // e
                    counting(0x20, 48), // s, sealed
                    counting(0x50, 161), // payload, sealed
                    MAC1,
                    MAC2),
            vector("INITIATION_XX",
                    new Initiation(FrameType.INITIATION_XX, 0x81828384, octets(counting(0x00, 32) + "00".repeat(181)),
                            octets(MAC1), octets(NO_MAC2)),
                    "5032 01 41",
                    INITIATOR_INDEX, // sender index
                    counting(0x00, 32), // e
                    "00".repeat(181), // Noise's cleartext payload: zeros, as long as makes 253 bytes
                    MAC1, // at offset 221
                    NO_MAC2), // at offset 237
            vector("RESPONSE_IK",
                    new Response(FrameType.RESPONSE_IK, 0x01020304, 0x81828384, octets(counting(0x00, 193))),
                    "5032 01 42",
                    RESPONDER_INDEX, // sender index: the responder's
                    INITIATOR_INDEX, // receiver index: the initiator's, from its initiation
                    counting(0x00, 32), // e
                    counting(0x20, 161)), // payload, sealed
            vector("RESPONSE_XX",
                    new Response(FrameType.RESPONSE_XX, 0x01020304, 0x81828384, octets(counting(0x00, 241))),
                    "5032 01 43",
                    RESPONDER_INDEX, // sender index
                    INITIATOR_INDEX, // receiver index
                    counting(0x00, 32), // e
                    counting(0x20, 48), // s, sealed
                    counting(0x50, 161)), // payload, sealed
            vector("FINISH_XX",
                    new Finish(0x01020304, octets(counting(0x00, 209))),
                    "5032 01 44",
                    RESPONDER_INDEX, // receiver index: the responder's, from its response
                    counting(0x00, 48), // s, sealed
                    counting(0x30, 161)), // payload, sealed
            vector("COOKIE_REPLY",
                    new CookieReply(0x81828384, octets(counting(0x00, 12)), octets(counting(0x10, 32))),
                    "5032 01 45",
                    INITIATOR_INDEX, // receiver index: the initiator's, from the initiation this answers
                    counting(0x00, 12), // nonce
                    counting(0x10, 16), // the cookie, encrypted
                    counting(0x20, 16)), // its tag
            vector("TRANSPORT of the smallest size",
                    new Transport(0x01020304, 5, octets("a7" + counting(0x10, 16))),
                    "5032 01 46", // PROTOCOL.md's TRANSPORT example: this header is the associated data
                    RESPONDER_INDEX, // receiver index
                    "0000000000000005", // counter 5
                    "a7", // a link frame of one byte (a GOODBYE), encrypted
                    counting(0x10, 16)), // tag
            vector("TRANSPORT with counter 0",
                    new Transport(0x81828384, 0, octets(counting(0x40, 26) + counting(0x80, 16))),
                    "5032 01 46",
                    INITIATOR_INDEX, // receiver index
                    "0000000000000000", // counter 0: the first frame under a key
                    counting(0x40, 26), // a link frame of 26 bytes (PROTOCOL.md's DATA example), encrypted
                    counting(0x80, 16)), // tag
            vector("TRANSPORT of the largest size",
                    new Transport(0x81828384, 0xFFFF_FFFF_FFFF_DFFEL, octets(counting(0x00, 1104))),
                    "5032 01 46",
                    INITIATOR_INDEX, // receiver index
                    "ffffffffffffdffe", // counter 2^64 - 2^13 - 2: the last frame a key seals; unsigned
                    counting(0x00, 1088), // the largest link frame, encrypted
                    counting(0x40, 16))); // tag: 1120 bytes in all

    private PeerGoldenVectors() {}

    public static Vector<PeerFrame> named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static Vector<PeerFrame> vector(String name, PeerFrame frame, String... hexFields) {
        return new Vector<>(name, frame, hex(hexFields));
    }
}
