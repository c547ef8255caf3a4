package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.RELAY_TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.RESET_PROOF;
import static dev.p2pchat.protocol.GoldenVectors.SENDER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SESSION_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.TIMESTAMP;
import static dev.p2pchat.protocol.GoldenVectors.TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.TRACKER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.header;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerGoldenVectors;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile datagrams: the tracker decoder returns a message or throws {@link ProtocolException}, nothing else. What
 * a RELAY or RELAYED carries is opaque to it: any payload of {@value TrackerWire#MIN_RELAY_PAYLOAD} to
 * {@value Wire#MAX_PEER_DATAGRAM_SIZE} bytes passes byte for byte, and only the receiving peer judges it. So is a
 * SEALED's box: any box of a sealed message and its tag passes, and only the session's cipher judges it
 * ({@code SessionCipherTest}).
 */
@Timeout(120)
class TrackerCodecMalformedInputTest {
    private static final int SWEEP_MAX_BODY = 1300;
    private static final CodecUnderTest<TrackerMessage> CODEC =
            new CodecUnderTest<>(TrackerCodec::decode, TrackerCodec::encode);
    private static final String RELAY_HEAD = "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY;
    private static final String RELAYED_HEAD = "5032 01 11" + SENDER_KEY;
    private static final String SEALED_HEAD = "5032 01 12" + TOKEN + "0000000000000007";
    private static final Vector<PeerFrame> SMALLEST_TRANSPORT =
            PeerGoldenVectors.named("TRANSPORT of the smallest size");

    private static Reason outcome(byte[] datagram) {
        return CODEC.outcome(datagram);
    }

    private static Reason reasonOf(byte[] datagram) {
        return CODEC.reasonOf(datagram);
    }

    /** Why the receiving peer drops {@code frame}, or null when it is a valid peer frame. */
    private static Reason peerReasonOf(byte[] frame) {
        try {
            PeerFrameCodec.decode(frame);
            return null;
        } catch (ProtocolException e) {
            return e.reason();
        }
    }

    @Test
    void shouldReturnAMessageOrThrowProtocolExceptionForEveryTypeAndBodyLength() {
        Random random = new Random(0x5EED);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<TrackerMessageType> decodedTypes = EnumSet.noneOf(TrackerMessageType.class);
        for (int type = 0; type <= 0xFF; type++) {
            boolean defined = TrackerMessageType.ofCode(type) != null;
            for (int bodyLength = 0; bodyLength <= SWEEP_MAX_BODY; bodyLength++) {
                byte[] datagram = Arrays.copyOf(header(type), Wire.HEADER_SIZE + bodyLength);
                for (int fill = 0; fill < 3; fill++) {
                    if (fill == 1) {
                        byte[] body = new byte[bodyLength];
                        random.nextBytes(body);
                        System.arraycopy(body, 0, datagram, Wire.HEADER_SIZE, bodyLength);
                    } else if (fill == 2) {
                        Arrays.fill(datagram, Wire.HEADER_SIZE, datagram.length, (byte) 0xFF);
                    }
                    Reason reason = outcome(datagram);
                    if (reason == null) {
                        decodedTypes.add(TrackerMessageType.ofCode(type));
                    } else {
                        reasons.merge(reason, 1, Integer::sum);
                    }
                    // Plain check: an assertion chain a million times would dominate the run time.
                    if (datagram.length <= Wire.MAX_DATAGRAM_SIZE && defined == (reason == Reason.UNKNOWN_TYPE)) {
                        fail("type 0x%02x with a body of %d bytes rejected as %s", type, bodyLength, reason);
                    }
                }
            }
        }
        // The sweep reached past the limits: every kind of rejection happened, and some bodies were valid, among
        // them OK (any txid), SESSION_UNKNOWN (any session), RELAY and RELAYED, which carry any payload, and SEALED,
        // which carries any box.
        assertThat(decodedTypes).contains(TrackerMessageType.OK, TrackerMessageType.COOKIE_REQUEST,
                TrackerMessageType.RELAY, TrackerMessageType.RELAYED, TrackerMessageType.SEALED,
                TrackerMessageType.SESSION_UNKNOWN);
        assertThat(reasons).containsOnlyKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.TRUNCATED,
                Reason.TRAILING_BYTES, Reason.BAD_FIELD);
    }

    /**
     * A LIST_PAGE must fit the SEALED it travels in (1164 bytes): 18 entries of 32-byte names make 1187 bytes, few
     * enough entries for the count check, too many bytes for the page. {@code BAD_FIELD}, not a record's exception.
     */
    @Test
    void shouldRejectAListPageTooLargeForASealedDatagramAsABadField() {
        byte[] page = new byte[17 + 18 * (1 + 32 + 32)];
        System.arraycopy(header(0x0B), 0, page, 0, Wire.HEADER_SIZE);
        page[16] = 18;
        for (int entry = 0, at = 17; entry < 18; entry++, at += 65) {
            page[at] = 32;
            Arrays.fill(page, at + 1, at + 33, (byte) ('a' + entry));
        }

        assertThat(page).hasSize(1187);
        assertThatThrownBy(() -> TrackerCodec.decode(page)).isInstanceOf(ProtocolException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.BAD_FIELD);
    }

    /**
     * The same sweep inside RELAY and RELAYED: a payload that starts with a valid header of every defined type of
     * both codecs (and some undefined ones), with bodies of every length. The tracker never reads the payload: every
     * one of 4 to 1120 bytes is carried byte for byte, whatever it holds; a longer one is {@code BAD_FIELD}, or
     * {@code TOO_LONG} once the whole datagram is.
     */
    @Test
    void shouldCarryEveryPayloadOfFourTo1120BytesWhateverItHolds() throws ProtocolException {
        Random random = new Random(0x5EED_0010);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<Integer> carried = new HashSet<>();
        List<Integer> types = new ArrayList<>(List.of(0x00, 0x18, 0x3F, 0x47, 0xFF));
        for (TrackerMessageType type : TrackerMessageType.values()) {
            types.add(type.code());
        }
        for (FrameType type : FrameType.values()) {
            types.add(type.code());
        }
        for (byte[] head : List.of(hex(RELAY_HEAD), hex(RELAYED_HEAD))) {
            for (int type : types) {
                // Up to one byte more than a datagram holds: payloads past 1120 bytes are BAD_FIELD, the last TOO_LONG.
                int mostBody = Wire.MAX_DATAGRAM_SIZE - head.length - Wire.HEADER_SIZE + 1;
                for (int bodyLength = 0; bodyLength <= mostBody; bodyLength++) {
                    byte[] datagram = Arrays.copyOf(head, head.length + Wire.HEADER_SIZE + bodyLength);
                    System.arraycopy(header(type), 0, datagram, head.length, Wire.HEADER_SIZE);
                    int bodyStart = head.length + Wire.HEADER_SIZE;
                    for (int fill = 0; fill < 3; fill++) {
                        if (fill == 1) {
                            byte[] body = new byte[bodyLength];
                            random.nextBytes(body);
                            System.arraycopy(body, 0, datagram, bodyStart, bodyLength);
                        } else if (fill == 2) {
                            Arrays.fill(datagram, bodyStart, datagram.length, (byte) 0xFF);
                        }
                        int payload = datagram.length - head.length;
                        Reason expected = datagram.length > Wire.MAX_DATAGRAM_SIZE ? Reason.TOO_LONG
                                : payload > Wire.MAX_PEER_DATAGRAM_SIZE ? Reason.BAD_FIELD
                                : null;
                        Reason reason = outcome(datagram);
                        // Plain checks: an assertion chain half a million times would dominate the run time.
                        if (reason != expected) {
                            fail("payload of type 0x%02x, %d bytes in all, rejected as %s", type, payload, reason);
                        }
                        if (reason == null) {
                            byte[] carriedPayload = TrackerGoldenVectors.payload(TrackerCodec.decode(datagram));
                            if (!Arrays.equals(carriedPayload, 0, carriedPayload.length, datagram, head.length,
                                    datagram.length)) {
                                fail("payload of type 0x%02x, %d bytes, not carried byte for byte", type, payload);
                            }
                            carried.add(type);
                        } else {
                            reasons.merge(reason, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        assertThat(carried).as("every type a payload started with was carried").containsExactlyInAnyOrderElementsOf(
                types);
        assertThat(reasons).as("payloads longer than a peer datagram, then datagrams longer than 1200 bytes")
                .containsOnlyKeys(Reason.TOO_LONG, Reason.BAD_FIELD);
    }

    @Test
    void shouldReturnAMessageOrThrowProtocolExceptionForEveryMutationOfEveryGoldenVector() {
        Random random = new Random(0xF022);
        int decoded = 0;
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            for (int i = 0; i < 2_000; i++) {
                if (outcome(CodecUnderTest.mutate(vector.bytes(), random)) == null) {
                    decoded++;
                }
            }
        }
        // Flipping bytes inside keys, cookies and signatures keeps a datagram valid: the decoder saw those too.
        assertThat(decoded).isPositive();
    }

    static Stream<Vector<TrackerMessage>> vectors() {
        return TrackerGoldenVectors.ALL.stream();
    }

    /** The vectors with fields of their own to the end: all but RELAY, RELAYED and SEALED. */
    static Stream<Vector<TrackerMessage>> fieldVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> TrackerGoldenVectors.payloadOffset(v.message()) < 0
                && !(v.message() instanceof Sealed));
    }

    static Stream<Vector<TrackerMessage>> relayVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> TrackerGoldenVectors.payloadOffset(v.message()) > 0);
    }

    static Stream<Vector<TrackerMessage>> sealedVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> v.message() instanceof Sealed);
    }

    /** A tracker datagram cut short is {@code TRUNCATED}, shorter than a header {@code TOO_SHORT}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldVectors")
    void shouldRejectEveryTruncation(Vector<TrackerMessage> vector) {
        CODEC.assertEveryTruncationRejected(vector.bytes());
    }

    /**
     * A RELAY or RELAYED cut short in its own fields, or before four bytes of payload, is {@code TRUNCATED}. Cut
     * anywhere later it is still a relay: it carries what is left of the frame, which the receiving peer rejects
     * instead of the tracker: each vector carries a handshake type, shorter than that type's one size once cut.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldCarryAPayloadCutShortAsLongAsFourBytesAreLeft(Vector<TrackerMessage> vector)
            throws ProtocolException {
        byte[] bytes = vector.bytes();
        int offset = TrackerGoldenVectors.payloadOffset(vector.message());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            if (length < offset + TrackerWire.MIN_RELAY_PAYLOAD) {
                assertThat(reasonOf(cut)).as("first %d bytes", length)
                        .isEqualTo(length < Wire.HEADER_SIZE ? Reason.TOO_SHORT : Reason.TRUNCATED);
                continue;
            }
            assertThat(outcome(cut)).as("first %d bytes", length).isNull();
            byte[] payload = TrackerGoldenVectors.payload(TrackerCodec.decode(cut));
            assertThat(payload).as("first %d bytes", length).isEqualTo(Arrays.copyOfRange(bytes, offset, length));
            assertThat(peerReasonOf(payload)).as("the receiver, of the first %d bytes", length)
                    .isEqualTo(Reason.TRUNCATED);
        }
    }

    /**
     * The relay passes the payload on unchanged, flipped bits and all: one flipped bit anywhere after the relay's
     * header leaves a valid RELAY or RELAYED, with the token or key flipped (those carry any value) or the payload
     * flipped. What guards the payload is at the receiver: its clear layer drops a frame whose magic or version was
     * flipped, and mac1, the Noise tags and the seals every other change ({@code peer.SealedPeerFramesTest}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldCarryAFlippedBitOfThePayloadForTheReceiverToReject(Vector<TrackerMessage> vector)
            throws ProtocolException {
        byte[] original = vector.bytes();
        int offset = TrackerGoldenVectors.payloadOffset(vector.message());
        byte[] payload = TrackerGoldenVectors.payload(vector.message());
        for (int bit = Wire.HEADER_SIZE * 8; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(outcome(bytes)).as("bit %d", bit).isNull();
            TrackerMessage decoded = TrackerCodec.decode(bytes);
            assertThat(decoded).as("bit %d", bit).isNotEqualTo(vector.message())
                    .isInstanceOf(vector.message().getClass());
            byte[] carried = TrackerGoldenVectors.payload(decoded);
            if (bit < offset * 8) {
                assertThat(carried).as("bit %d", bit).isEqualTo(payload);
            } else {
                assertThat(carried).as("bit %d", bit).isEqualTo(Arrays.copyOfRange(bytes, offset, bytes.length));
                if (bit < (offset + Wire.TYPE_OFFSET) * 8) {
                    assertThat(peerReasonOf(carried)).as("bit %d, at the receiver", bit)
                            .isIn(Reason.BAD_MAGIC, Reason.BAD_VERSION);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldVectors")
    void shouldRejectATrailingByte(Vector<TrackerMessage> vector) {
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            assertThat(reasonOf(bytes)).isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    /**
     * A byte after the carried frame is part of the payload: the relay carries it, and the receiving peer rejects the
     * frame, which now has another size than its type's: {@code TRAILING_BYTES} after a frame of the right size,
     * {@code TRUNCATED} still after the examples of PROTOCOL.md, shorter than any frame of their types.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldCarryATrailingByteAsPartOfThePayload(Vector<TrackerMessage> vector) throws ProtocolException {
        int offset = TrackerGoldenVectors.payloadOffset(vector.message());
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            assertThat(outcome(bytes)).isNull();
            byte[] payload = TrackerGoldenVectors.payload(TrackerCodec.decode(bytes));
            assertThat(payload).isEqualTo(Arrays.copyOfRange(bytes, offset, bytes.length));
            boolean aFrame = peerReasonOf(TrackerGoldenVectors.payload(vector.message())) == null;
            assertThat(peerReasonOf(payload)).isEqualTo(aFrame ? Reason.TRAILING_BYTES : Reason.TRUNCATED);
        }
    }

    /**
     * A SEALED cut short in its session or counter, or with fewer than 24 bytes of box (an OK and its tag), is
     * {@code TRUNCATED}. Cut anywhere later it is still a SEALED, of a shorter box: the codec cannot tell, the
     * session's cipher does (the tag no longer verifies).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sealedVectors")
    void shouldCarryABoxCutShortAsLongAsItHoldsAnOkAndItsTag(Vector<TrackerMessage> vector) throws ProtocolException {
        byte[] bytes = vector.bytes();
        Sealed sealed = (Sealed) vector.message();
        int shortest = TrackerGoldenVectors.BOX_OFFSET + TrackerWire.MIN_SEALED_MESSAGE_SIZE
                + TrackerWire.SEAL_TAG_SIZE;
        assertThat(shortest).isEqualTo(44);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            if (length < shortest) {
                assertThat(reasonOf(cut)).as("first %d bytes", length)
                        .isEqualTo(length < Wire.HEADER_SIZE ? Reason.TOO_SHORT : Reason.TRUNCATED);
                continue;
            }
            assertThat(outcome(cut)).as("first %d bytes", length).isNull();
            Sealed decoded = (Sealed) TrackerCodec.decode(cut);
            assertThat(decoded.session()).isEqualTo(sealed.session());
            assertThat(decoded.counter()).isEqualTo(sealed.counter());
            assertThat(decoded.box().toByteArray()).as("first %d bytes", length)
                    .isEqualTo(Arrays.copyOfRange(bytes, TrackerGoldenVectors.BOX_OFFSET, length));
        }
    }

    /** A byte after the box is part of the box, as long as the SEALED still fits a datagram. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sealedVectors")
    void shouldTakeATrailingByteAsPartOfTheBox(Vector<TrackerMessage> vector) throws ProtocolException {
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            if (bytes.length > Wire.MAX_DATAGRAM_SIZE) {
                assertThat(reasonOf(bytes)).isEqualTo(Reason.TOO_LONG);
                continue;
            }
            assertThat(outcome(bytes)).isNull();
            assertThat(((Sealed) TrackerCodec.decode(bytes)).box().toByteArray())
                    .isEqualTo(Arrays.copyOfRange(bytes, TrackerGoldenVectors.BOX_OFFSET, bytes.length));
        }
    }

    /**
     * One flipped bit anywhere after the header leaves a valid SEALED: the session, the counter and the box carry any
     * value. What guards them is the tag: they are the associated data and the ciphertext it authenticates.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sealedVectors")
    void shouldCarryAFlippedBitOfASealedForTheCipherToReject(Vector<TrackerMessage> vector) {
        byte[] original = vector.bytes();
        for (int bit = Wire.HEADER_SIZE * 8; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(outcome(bytes)).as("bit %d", bit).isNull();
        }
    }

    static Stream<Arguments> truncatedSealed() {
        return Stream.of(
                Arguments.of("SEALED without a body", "5032 01 12"),
                Arguments.of("SEALED cut inside the session", "5032 01 12 01234567"),
                Arguments.of("SEALED without a counter", "5032 01 12" + TOKEN),
                Arguments.of("SEALED cut inside the counter", "5032 01 12" + TOKEN + "000000"),
                Arguments.of("SEALED without a box", SEALED_HEAD),
                Arguments.of("SEALED of one byte of box", SEALED_HEAD + "ab"),
                Arguments.of("SEALED of a tag alone", SEALED_HEAD + "ab".repeat(16)),
                Arguments.of("SEALED of 23 bytes of box: 7 of a message, and a tag", SEALED_HEAD + "ab".repeat(23)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedSealed")
    void shouldRejectASealedWithoutRoomForAnOkAndItsTagAsTruncated(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.TRUNCATED);
    }

    /** SESSION_UNKNOWN is exactly 28 bytes: the session and the whole proof, or {@code TRUNCATED}. */
    static Stream<Arguments> truncatedSessionUnknown() {
        return Stream.of(
                Arguments.of("SESSION_UNKNOWN without a body", "5032 01 13"),
                Arguments.of("SESSION_UNKNOWN cut inside the session", "5032 01 13 01234567 89abcd"),
                Arguments.of("SESSION_UNKNOWN of a session alone, as before the reset proof", "5032 01 13" + TOKEN),
                Arguments.of("SESSION_UNKNOWN cut after one byte of the proof", "5032 01 13" + TOKEN + "f0"),
                Arguments.of("SESSION_UNKNOWN cut inside the proof",
                        "5032 01 13" + TOKEN + RESET_PROOF.substring(0, 30)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedSessionUnknown")
    void shouldRejectASessionUnknownWithoutItsWholeProofAsTruncated(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.TRUNCATED);
    }

    /** A SESSION_UNKNOWN with one byte more is {@code TRAILING_BYTES}: its proof has one length, whatever its bytes. */
    @Test
    void shouldRejectASessionUnknownWithAByteAfterItsProof() {
        assertThat(outcome(hex("5032 01 13" + TOKEN + RESET_PROOF))).isNull();
        assertThat(outcome(hex("5032 01 13" + TOKEN + "00".repeat(16)))).isNull();
        for (String trailing : List.of("00", "01", "ff", RESET_PROOF)) {
            assertThat(reasonOf(hex("5032 01 13" + TOKEN + RESET_PROOF + trailing))).as(trailing)
                    .isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    /**
     * A SEALED carries at most 1164 bytes of message and its tag: 1200 bytes in all. A box one byte longer makes a
     * datagram of 1201 bytes, {@code TOO_LONG} like every one; boxes of 24 to 1180 bytes pass, whatever their bytes.
     */
    @Test
    void shouldRejectASealedOfMoreThanOneDatagramAsTooLong() {
        for (int box = 0; box <= 1181; box++) {
            byte[] datagram = hex(SEALED_HEAD, "ab".repeat(box));
            Reason expected = box < 24 ? Reason.TRUNCATED : box > 1180 ? Reason.TOO_LONG : null;
            assertThat(outcome(datagram)).as("a box of %d bytes", box).isEqualTo(expected);
        }
        assertThat(reasonOf(hex(SEALED_HEAD, "00".repeat(1181)))).isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(hex(SEALED_HEAD, "00".repeat(2000)))).isEqualTo(Reason.TOO_LONG);
    }

    /** Every flipped bit of the magic is {@code BAD_MAGIC}, every version but 1 {@code BAD_VERSION}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldCheckTheSharedHeaderFirst(Vector<TrackerMessage> vector) {
        CODEC.assertHeaderChecked(vector.bytes());
    }

    @Test
    void shouldRejectEveryTypeCodeThatIsNoTrackerType() {
        for (int type = 0; type <= 0xFF; type++) {
            if (TrackerMessageType.ofCode(type) == null) {
                // The body is a valid OK body: the type alone decides.
                byte[] bytes = hex(String.format("5032 01 %02x", type), "0000000e");
                assertThat(reasonOf(bytes)).as("type 0x%02x", type).isEqualTo(Reason.UNKNOWN_TYPE);
            }
        }
        assertThat(reasonOf(hex("5032 01 00"))).isEqualTo(Reason.UNKNOWN_TYPE);
        // The first code after MAIL_ACK, with a valid SEALED body: still the type alone decides.
        assertThat(reasonOf(hex("5032 01 18", TOKEN, "0000000000000000", "ab".repeat(24))))
                .as("tracker type 0x18 is reserved").isEqualTo(Reason.UNKNOWN_TYPE);
        for (int type = 0x18; type <= Wire.TRACKER_TYPES_LAST; type++) {
            assertThat(TrackerMessageType.ofCode(type)).as("type 0x%02x is reserved", type).isNull();
        }
        for (int type = Wire.TRACKER_TYPES_FIRST; type <= 0x17; type++) {
            assertThat(TrackerMessageType.ofCode(type)).as("type 0x%02x is defined", type).isNotNull();
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type)))).as("type 0x%02x without a body", type)
                    .isEqualTo(Reason.TRUNCATED);
        }
        // The body of a valid TRANSPORT after every peer frame code, defined or not: no tracker message.
        for (int type = Wire.PEER_TYPES_FIRST; type <= Wire.PEER_TYPES_LAST; type++) {
            byte[] frame = SMALLEST_TRANSPORT.bytes();
            frame[Wire.TYPE_OFFSET] = (byte) type;
            assertThat(reasonOf(frame)).as("peer-to-peer type 0x%02x", type).isEqualTo(Reason.UNKNOWN_TYPE);
            assertThat(reasonOf(header(type))).as("peer-to-peer type 0x%02x without a body", type)
                    .isEqualTo(Reason.UNKNOWN_TYPE);
        }
    }

    /**
     * A peer frame is no tracker message: {@code UNKNOWN_TYPE} here, however valid; the header's own checks still
     * come first.
     */
    @Test
    void shouldRejectEveryPeerFrameAsUnknownType() {
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            assertThat(reasonOf(vector.bytes())).as(vector.name()).isEqualTo(Reason.UNKNOWN_TYPE);
        }
        byte[] transport = SMALLEST_TRANSPORT.bytes();
        transport[Wire.VERSION_OFFSET] = 2;
        assertThat(reasonOf(transport)).as("the version before the type").isEqualTo(Reason.BAD_VERSION);
        transport[0] = 0x51;
        assertThat(reasonOf(transport)).as("the magic before the version").isEqualTo(Reason.BAD_MAGIC);
        byte[] longTransport = Arrays.copyOf(header(FrameType.TRANSPORT.code()), Wire.MAX_DATAGRAM_SIZE + 1);
        assertThat(reasonOf(longTransport)).as("the length before the type").isEqualTo(Reason.TOO_LONG);
    }

    /** Shorter than a header is {@code TOO_SHORT}, longer than a datagram {@code TOO_LONG}, before anything else. */
    @Test
    void shouldCheckTheLengthFirst() {
        CODEC.assertLengthCheckedFirst();
    }

    /**
     * A relay carries at most {@code MAX_PEER_DATAGRAM_SIZE} = 1120 bytes, so a RELAY of the largest TRANSPORT fills
     * exactly what a SEALED carries (1164 bytes); a byte more, whether after the carried frame or inside it, is a
     * payload out of range, {@code BAD_FIELD}, though the datagram is not too long: only past 1200 bytes is it
     * {@code TOO_LONG}. The same for a RELAYED, 8 bytes shorter.
     */
    @Test
    void shouldRejectARelayPayloadLongerThanAPeerDatagramAsBadField() throws ProtocolException {
        String fullData = toHex(PeerGoldenVectors.named("TRANSPORT of the largest size").bytes());
        assertThat(hex(RELAY_HEAD, fullData)).hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
        assertThat(outcome(hex(RELAY_HEAD, fullData))).isNull();
        assertThat(reasonOf(hex(RELAY_HEAD, fullData, "00"))).isEqualTo(Reason.BAD_FIELD);
        // One sealed byte more: a TRANSPORT longer than any peer datagram.
        String longerData = fullData + "ab";
        assertThat(reasonOf(hex(RELAY_HEAD, longerData))).isEqualTo(Reason.BAD_FIELD);
        assertThat(reasonOf(hex(RELAYED_HEAD, longerData))).isEqualTo(Reason.BAD_FIELD);
        assertThat(outcome(hex(RELAYED_HEAD, fullData))).isNull();
        // The limit is the payload's length, whatever its bytes.
        for (String head : List.of(RELAY_HEAD, RELAYED_HEAD)) {
            int most = Wire.MAX_DATAGRAM_SIZE - hex(head).length;
            for (int length = Wire.MAX_PEER_DATAGRAM_SIZE - 1; length <= most; length++) {
                byte[] relay = hex(head, "ab".repeat(length));
                assertThat(outcome(relay)).as("a payload of %d bytes", length)
                        .isEqualTo(length > Wire.MAX_PEER_DATAGRAM_SIZE ? Reason.BAD_FIELD : null);
            }
            assertThat(reasonOf(hex(head, "ab".repeat(most + 1)))).isEqualTo(Reason.TOO_LONG);
        }
        assertThat(TrackerCodec.decode(hex(RELAYED_HEAD, fullData))).isEqualTo(new Relayed(
                GoldenVectors.octets(SENDER_KEY), GoldenVectors.octets(fullData)));
    }

    static Stream<Arguments> badFields() {
        String cookieRequest = "5032 01 01 00000001";
        String keepalive = "5032 01 05 00000001" + COOKIE + TOKEN;
        String registerHead = "5032 01 03 00000001" + COOKIE + "05 616c696365" + IDENTITY_KEY + IDENTITY_KEY
                + "00000000";
        String registeredHead = "5032 01 04 00000001" + TOKEN + "0000005a 000061a8";
        String listPageHead = "5032 01 0b 00000001 00000000 00000000";
        String deposit = "5032 01 14 00000001" + COOKIE + TOKEN + IDENTITY_KEY;
        String fetch = "5032 01 15 00000001" + COOKIE + TOKEN;
        String mailAck = "5032 01 17 00000001" + COOKIE + TOKEN;
        return Stream.of(
                Arguments.of("non-zero cookie request padding", cookieRequest + "01" + "00".repeat(47)),
                Arguments.of("non-zero cookie request padding after 16 zeros",
                        cookieRequest + "00".repeat(16) + "01" + "00".repeat(31)),
                Arguments.of("non-zero last cookie request padding byte", cookieRequest + "00".repeat(47) + "01"),
                Arguments.of("cookie request padded with a tracker key", cookieRequest + "00".repeat(16) + TRACKER_KEY),
                Arguments.of("name of length 0", keepalive + "00"),
                Arguments.of("name of length 33", keepalive + "21" + "61".repeat(33)),
                Arguments.of("name of length 255", keepalive + "ff" + "61".repeat(255)),
                Arguments.of("name with a space", keepalive + "03 612062"),
                Arguments.of("name with a control byte", keepalive + "03 610a62"),
                Arguments.of("name with DEL", keepalive + "03 617f62"),
                Arguments.of("name with a non-ASCII byte", keepalive + "03 61c362"),
                Arguments.of("lookup target of length 0", "5032 01 07 00000001" + COOKIE + TOKEN + "00 00"),
                Arguments.of("lookup requester of length 33",
                        "5032 01 07 00000001" + COOKIE + TOKEN + "21" + "61".repeat(33) + "03 626f62"),
                Arguments.of("five private addresses",
                        registerHead + "05" + "04 c0a8010a a028".repeat(5) + SESSION_KEY + TIMESTAMP + SIGNATURE),
                Arguments.of("255 private addresses, nothing after", registerHead + "ff"),
                Arguments.of("address family 0", registeredHead + "00 cb007107 9c40" + COOKIE + RESET_PROOF),
                Arguments.of("address family 5", registeredHead + "05 cb007107 9c40" + COOKIE + RESET_PROOF),
                Arguments.of("address family 46", registeredHead + "2e cb007107 9c40" + COOKIE + RESET_PROOF),
                Arguments.of("IPv4 port 0", registeredHead + "04 cb007107 0000" + COOKIE + RESET_PROOF),
                Arguments.of("IPv6 port 0",
                        registeredHead + "06 20010db8000000000000000000000001 0000" + COOKIE + RESET_PROOF),
                Arguments.of("list count 34, entries missing", listPageHead + "22"),
                Arguments.of("list count 34, entries present",
                        listPageHead + "22" + ("01 61" + IDENTITY_KEY).repeat(34)),
                Arguments.of("list count 255", listPageHead + "ff" + ("01 61" + IDENTITY_KEY).repeat(34)),
                Arguments.of("list entry name of length 0", listPageHead + "01 00" + IDENTITY_KEY),
                Arguments.of("error code 11", "5032 01 0f 0a0b0c0d 0b"),
                Arguments.of("DEPOSIT of no mail", deposit + "0000"),
                Arguments.of("DEPOSIT of 1099 bytes", deposit + "044b" + "00".repeat(1099)),
                Arguments.of("DEPOSIT of 65535 bytes, most of them missing", deposit + "ffff" + "00".repeat(8)),
                Arguments.of("FETCH after 2^63", fetch + "8000000000000000"),
                Arguments.of("MAIL id 0 with bytes", "5032 01 16 00000001 0000000000000000 00000000 0001 5a"),
                Arguments.of("MAIL id 7 without bytes", "5032 01 16 00000001 0000000000000007 00000000 0000"),
                Arguments.of("MAIL id of 2^63", "5032 01 16 00000001 8000000000000000 00000000 0001 5a"),
                Arguments.of("MAIL remaining 2^31", "5032 01 16 00000001 0000000000000007 80000000 0001 5a"),
                Arguments.of("MAIL_ACK of no ids", mailAck + "00"),
                Arguments.of("MAIL_ACK of 65 ids", mailAck + "41" + "0000000000000001".repeat(65)),
                Arguments.of("MAIL_ACK of id 0", mailAck + "01 0000000000000000"),
                Arguments.of("MAIL_ACK of id 2^63", mailAck + "01 8000000000000000"),
                Arguments.of("DEPOSIT of 1099 bytes, only 1098 there", deposit + "044b" + "00".repeat(1098)),
                Arguments.of("FETCH after 2^64 - 1", fetch + "ffffffffffffffff"),
                Arguments.of("MAIL of 1099 bytes", "5032 01 16 00000001 0000000000000007 00000000 044b"
                        + "00".repeat(1099)),
                Arguments.of("MAIL id 0 with 1098 bytes",
                        "5032 01 16 00000001 0000000000000000 00000000 044a" + "00".repeat(1098)),
                Arguments.of("MAIL id of 2^64 - 1", "5032 01 16 00000001 ffffffffffffffff 00000000 0001 5a"),
                Arguments.of("MAIL remaining 2^32 - 1", "5032 01 16 00000001 0000000000000007 ffffffff 0001 5a"),
                Arguments.of("MAIL id 0, remaining 2^31", "5032 01 16 00000001 0000000000000000 80000000 0000"),
                Arguments.of("MAIL_ACK of 255 ids, none there", mailAck + "ff"),
                Arguments.of("MAIL_ACK of 65 ids, only 64 there", mailAck + "41" + "0000000000000001".repeat(64)),
                Arguments.of("MAIL_ACK whose second id is 0", mailAck + "02 000000000000002a 0000000000000000"),
                Arguments.of("MAIL_ACK whose last of 64 ids is 2^64 - 1",
                        mailAck + "40" + "0000000000000001".repeat(63) + "ffffffffffffffff"),
                Arguments.of("RELAY payload of 1121 bytes", RELAY_HEAD + "00".repeat(1121)),
                Arguments.of("RELAY payload of 1156 bytes, a whole datagram", RELAY_HEAD + "00".repeat(1156)),
                Arguments.of("RELAYED payload of 1121 bytes", RELAYED_HEAD + "00".repeat(1121)),
                Arguments.of("RELAYED payload of 1164 bytes, a whole datagram", RELAYED_HEAD + "00".repeat(1164)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectAFieldOutOfItsRangeAsBadField(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.BAD_FIELD);
    }

    /**
     * The mailbox's messages cut short: inside a fixed field, or with fewer bytes of mail or fewer ids than their
     * length or count says. The golden vectors are cut at every length besides ({@link #shouldRejectEveryTruncation}).
     */
    static Stream<Arguments> truncatedMailbox() {
        String deposit = "5032 01 14 00000001" + COOKIE + TOKEN + IDENTITY_KEY;
        String mail = "5032 01 16 00000001 0000000000000007 00000002";
        String mailAck = "5032 01 17 00000001" + COOKIE + TOKEN;
        return Stream.of(
                Arguments.of("DEPOSIT cut inside the recipient", "5032 01 14 00000001" + COOKIE + TOKEN
                        + IDENTITY_KEY.substring(0, 62)),
                Arguments.of("DEPOSIT without a length", deposit),
                Arguments.of("DEPOSIT cut inside the length", deposit + "00"),
                Arguments.of("DEPOSIT of a length of 1 and no mail", deposit + "0001"),
                Arguments.of("DEPOSIT of a length of 3 and 2 bytes", deposit + "0003 c0ff"),
                Arguments.of("DEPOSIT of 1098 bytes, 1097 there", deposit + "044a" + "00".repeat(1097)),
                Arguments.of("FETCH without after", "5032 01 15 00000001" + COOKIE + TOKEN),
                Arguments.of("FETCH cut inside after", "5032 01 15 00000001" + COOKIE + TOKEN + "00000000000000"),
                Arguments.of("MAIL cut inside the id", "5032 01 16 00000001 00000000"),
                Arguments.of("MAIL cut inside remaining", "5032 01 16 00000001 0000000000000007 0000"),
                Arguments.of("MAIL without a length", mail),
                Arguments.of("MAIL id 0 without a length", "5032 01 16 00000001 0000000000000000 00000000"),
                Arguments.of("MAIL of a length of 3 and 2 bytes", mail + "0003 c0ff"),
                Arguments.of("MAIL_ACK without a count", mailAck),
                Arguments.of("MAIL_ACK of one id, none there", mailAck + "01"),
                Arguments.of("MAIL_ACK cut inside its id", mailAck + "01 00000000000000"),
                Arguments.of("MAIL_ACK of two ids, one there", mailAck + "02 000000000000002a"),
                Arguments.of("MAIL_ACK of 64 ids, 63 there", mailAck + "40" + "0000000000000001".repeat(63)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedMailbox")
    void shouldRejectAMailboxMessageCutShortAsTruncated(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.TRUNCATED);
    }

    /**
     * A DEPOSIT carries 1 to 1098 bytes of mail: every length in between decodes, whatever the bytes; a length of 0
     * or of more than 1098 is {@code BAD_FIELD}, even when the bytes are all there and the datagram not too long; a
     * byte after the mail is {@code TRAILING_BYTES}. A MAIL the same, but with 0 bytes for id 0 and only then.
     */
    @Test
    void shouldTakeMailOfOneTo1098BytesAndRejectEveryOtherLength() {
        String deposit = "5032 01 14 00000001" + COOKIE + TOKEN + IDENTITY_KEY;
        String mail = "5032 01 16 00000001 0000000000000007 00000000";
        String none = "5032 01 16 00000001 0000000000000000 00000000";
        for (int length = 0; length <= TrackerWire.MAX_MAIL_SIZE + 2; length++) {
            String bytes = String.format("%04x", length) + "ab".repeat(length);
            Reason expected = length < 1 || length > TrackerWire.MAX_MAIL_SIZE ? Reason.BAD_FIELD : null;
            assertThat(outcome(hex(deposit, bytes))).as("a DEPOSIT of %d bytes", length).isEqualTo(expected);
            assertThat(outcome(hex(mail, bytes))).as("a MAIL of %d bytes", length).isEqualTo(expected);
            assertThat(outcome(hex(none, bytes))).as("a MAIL of id 0 and %d bytes", length)
                    .isEqualTo(length == 0 ? null : Reason.BAD_FIELD);
            if (expected == null) {
                assertThat(reasonOf(hex(deposit, bytes, "00"))).as("a DEPOSIT of %d bytes and one more", length)
                        .isEqualTo(Reason.TRAILING_BYTES);
                assertThat(reasonOf(hex(mail, bytes, "00"))).as("a MAIL of %d bytes and one more", length)
                        .isEqualTo(Reason.TRAILING_BYTES);
            }
        }
        assertThat(hex(deposit, "044a", "ab".repeat(TrackerWire.MAX_MAIL_SIZE)))
                .hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
        assertThat(reasonOf(hex(none, "0000", "00"))).isEqualTo(Reason.TRAILING_BYTES);
    }

    /** A MAIL_ACK names 1 to 64 ids, each 1 to 2^63 - 1; every count in range decodes, every other is a bad field. */
    @Test
    void shouldTakeAMailAckOfOneTo64IdsAndRejectEveryOtherCount() throws ProtocolException {
        String mailAck = "5032 01 17 00000001" + COOKIE + TOKEN;
        for (int count = 0; count <= 0xFF; count++) {
            int present = Math.min(count, TrackerWire.MAX_MAIL_ACK_IDS + 1);
            byte[] datagram = hex(mailAck, String.format("%02x", count), "7fffffffffffffff".repeat(present));
            if (count < 1 || count > TrackerWire.MAX_MAIL_ACK_IDS) {
                assertThat(reasonOf(datagram)).as("a count of %d", count).isEqualTo(Reason.BAD_FIELD);
            } else {
                assertThat(((TrackerMessage.MailAck) TrackerCodec.decode(datagram)).ids()).as("a count of %d", count)
                        .hasSize(count).containsOnly(Long.MAX_VALUE);
            }
        }
    }

    /** RELAY and RELAYED cut short in their own fields, or with fewer than four bytes of payload. */
    static Stream<Arguments> truncatedRelays() {
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("RELAY without a body", "5032 01 10"),
                Arguments.of("RELAY cut inside the token", "5032 01 10 01020304"),
                Arguments.of("RELAY cut after the token", "5032 01 10" + RELAY_TOKEN),
                Arguments.of("RELAY cut inside the target key", "5032 01 10" + RELAY_TOKEN
                        + IDENTITY_KEY.substring(0, 62)),
                Arguments.of("RELAYED without a body", "5032 01 11"),
                Arguments.of("RELAYED cut inside the sender key", "5032 01 11" + SENDER_KEY.substring(0, 40))));
        for (String[] relay : new String[][] {{"RELAY", RELAY_HEAD}, {"RELAYED", RELAYED_HEAD}}) {
            String name = relay[0];
            String head = relay[1];
            cases.addAll(List.of(
                    Arguments.of(name + " carrying nothing", head),
                    Arguments.of(name + " carrying 1 byte", head + "50"),
                    Arguments.of(name + " carrying 2 bytes", head + "5032"),
                    Arguments.of(name + " carrying 3 bytes", head + "5032 01"),
                    Arguments.of(name + " carrying 3 bytes of garbage", head + "ffffff")));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedRelays")
    void shouldRejectARelayWithoutRoomForItsPayloadAsTruncated(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.TRUNCATED);
    }

    /**
     * Payloads the tracker used to refuse when it decoded the carried frame: now it carries each byte for byte, and
     * it is the receiving peer that drops it, for what is wrong with its clear layer, or later, when it does not open.
     * A tracker message inside (an OK, a RELAY inside a RELAY) is {@code UNKNOWN_TYPE} to the peer.
     */
    static Stream<Arguments> carriedPayloads() {
        String transport = toHex(SMALLEST_TRANSPORT.bytes());
        String cookieReply = toHex(PeerGoldenVectors.named("COOKIE_REPLY").bytes());
        String initiationXx = toHex(PeerGoldenVectors.named("INITIATION_XX").bytes());
        String initiationIk = toHex(PeerGoldenVectors.named("INITIATION_IK without a cookie").bytes());
        return Stream.of(
                Arguments.of("a header alone", "5032 01 46", Reason.TRUNCATED),
                Arguments.of("a header and 3 bytes", "5032 01 46 102030", Reason.TRUNCATED),
                Arguments.of("a TRANSPORT of 32 bytes", transport.substring(0, 64), Reason.TRUNCATED),
                Arguments.of("a TRANSPORT of 33 bytes", transport, null),
                Arguments.of("a TRANSPORT with another last tag byte, for the seal to refuse",
                        transport.substring(0, 64) + "ff", null),
                Arguments.of("a TRANSPORT with a bad magic", "5033" + transport.substring(4), Reason.BAD_MAGIC),
                Arguments.of("four zero bytes", "00000000", Reason.BAD_MAGIC),
                Arguments.of("a TRANSPORT of version 2", "5032 02" + transport.substring(6), Reason.BAD_VERSION),
                Arguments.of("type 0x47", "5032 01 47" + transport.substring(8), Reason.UNKNOWN_TYPE),
                Arguments.of("type 0x12, a tracker type", "5032 01 12" + SENDER_KEY + transport, Reason.UNKNOWN_TYPE),
                Arguments.of("an INITIATION_IK short of one byte", initiationIk.substring(0, initiationIk.length() - 2),
                        Reason.TRUNCATED),
                Arguments.of("an INITIATION_XX and one more byte", initiationXx + "00", Reason.TRAILING_BYTES),
                Arguments.of("an INITIATION_XX", initiationXx, null),
                Arguments.of("a COOKIE_REPLY", cookieReply, null),
                Arguments.of("a COOKIE_REPLY of a TRANSPORT's size", "5032 01 45" + transport.substring(8),
                        Reason.TRUNCATED),
                Arguments.of("an OK", "5032 01 0e 0000000e", Reason.UNKNOWN_TYPE),
                Arguments.of("a COOKIE_REQUEST", "5032 01 01 00000001" + "00".repeat(48), Reason.UNKNOWN_TYPE),
                Arguments.of("a SEALED", SEALED_HEAD + "ab".repeat(24), Reason.UNKNOWN_TYPE),
                Arguments.of("a SESSION_UNKNOWN", "5032 01 13" + TOKEN + RESET_PROOF, Reason.UNKNOWN_TYPE),
                Arguments.of("an ERROR", "5032 01 0f 0a0b0c0d 02", Reason.UNKNOWN_TYPE),
                Arguments.of("a RELAY carrying a TRANSPORT", RELAY_HEAD + transport, Reason.UNKNOWN_TYPE),
                Arguments.of("a RELAYED carrying a TRANSPORT", RELAYED_HEAD + transport, Reason.UNKNOWN_TYPE),
                Arguments.of("a RELAY carrying an OK", RELAY_HEAD + "5032 01 0e 0000000e", Reason.UNKNOWN_TYPE),
                Arguments.of("an OK cut short", "5032 01 0e 0000", Reason.UNKNOWN_TYPE),
                Arguments.of("an OK and one more byte", "5032 01 0e 0000000e 00", Reason.UNKNOWN_TYPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carriedPayloads")
    void shouldCarryAPayloadByteForByteForTheReceiverToJudge(String description, String payload, Reason atReceiver)
            throws ProtocolException {
        byte[] bytes = hex(payload);
        for (byte[] datagram : List.of(hex(RELAY_HEAD, payload), hex(RELAYED_HEAD, payload))) {
            assertThat(outcome(datagram)).as("the tracker").isNull();
            TrackerMessage message = TrackerCodec.decode(datagram);
            assertThat(TrackerGoldenVectors.payload(message)).isEqualTo(bytes);
            assertThat(message).isEqualTo(message instanceof Relay
                    ? new Relay(0x0102030405060708L, GoldenVectors.octets(IDENTITY_KEY), Octets.of(bytes))
                    : new Relayed(GoldenVectors.octets(SENDER_KEY), Octets.of(bytes)));
        }
        assertThat(peerReasonOf(bytes)).as("the receiving peer").isEqualTo(atReceiver);
    }

    @Test
    void shouldNotTurnAValidFixedFieldIntoAnError() {
        // Bytes of keys, cookies, tokens and signatures carry any value: flipping them still decodes.
        byte[] bytes = TrackerGoldenVectors.named("REGISTER without private addresses").bytes();
        for (int i = 8; i < 24; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
        assertThat(outcome(bytes)).isNull();
    }

    @Test
    void shouldCarryNoStackTraceInAProtocolException() {
        assertThatThrownBy(() -> TrackerCodec.decode(new byte[1]))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT);
                    assertThat(e.getMessage()).startsWith("TOO_SHORT");
                });
    }
}
