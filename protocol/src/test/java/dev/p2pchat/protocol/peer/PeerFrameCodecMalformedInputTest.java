package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.header;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import dev.p2pchat.protocol.tracker.TrackerGoldenVectors;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile datagrams: the peer frame decoder returns a frame or throws {@link ProtocolException}, nothing else. The
 * clear layer checks the header and the size only (every handshake frame has one size, a TRANSPORT 33 to 1120
 * bytes): what the Noise messages and the seal hold is for the cryptography to refuse, see
 * {@code SealedPeerFramesTest}.
 */
@Timeout(120)
class PeerFrameCodecMalformedInputTest {
    private static final int SWEEP_MAX_BODY = 1300;
    private static final CodecUnderTest<PeerFrame> CODEC =
            new CodecUnderTest<>(PeerFrameCodec::decode, PeerFrameCodec::encode, Wire.MAX_PEER_DATAGRAM_SIZE);

    private static Reason outcome(byte[] datagram) {
        return CODEC.outcome(datagram);
    }

    private static Reason reasonOf(byte[] datagram) {
        return CODEC.reasonOf(datagram);
    }

    /**
     * What PROTOCOL.md says of a datagram of {@code length} bytes with a valid header of type {@code type}: the
     * header checks first (more than 1200 bytes is {@code TOO_LONG}, then the type), then the size of the frame. A
     * TRANSPORT of more than 1120 bytes, the largest peer datagram, is {@code TOO_LONG} too. Null: a frame.
     */
    private static Reason expected(int type, int length) {
        FrameType frameType = FrameType.ofCode(type);
        if (length > Wire.MAX_DATAGRAM_SIZE) {
            return Reason.TOO_LONG;
        }
        if (frameType == null) {
            return Reason.UNKNOWN_TYPE;
        }
        if (frameType == FrameType.TRANSPORT) {
            return length < 33 ? Reason.TRUNCATED : length > 1120 ? Reason.TOO_LONG : null;
        }
        int size = PeerGoldenVectors.HANDSHAKE_SIZES.get(frameType);
        return length < size ? Reason.TRUNCATED : length > size ? Reason.TRAILING_BYTES : null;
    }

    /**
     * Every type code at every length from an empty body to past the datagram limit, with bodies of zeros, random
     * bytes and 0xFF: the outcome is exactly the one of PROTOCOL.md, whatever the body holds.
     */
    @Test
    void shouldRejectEveryTypeAndLengthForTheReasonOfProtocolMd() {
        Random random = new Random(0x5EED_0040);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<FrameType> decodedTypes = EnumSet.noneOf(FrameType.class);
        for (int type = 0; type <= 0xFF; type++) {
            for (int bodyLength = 0; bodyLength <= SWEEP_MAX_BODY; bodyLength++) {
                byte[] datagram = Arrays.copyOf(header(type), Wire.HEADER_SIZE + bodyLength);
                Reason expected = expected(type, datagram.length);
                for (int fill = 0; fill < 3; fill++) {
                    if (fill == 1) {
                        byte[] body = new byte[bodyLength];
                        random.nextBytes(body);
                        System.arraycopy(body, 0, datagram, Wire.HEADER_SIZE, bodyLength);
                    } else if (fill == 2) {
                        Arrays.fill(datagram, Wire.HEADER_SIZE, datagram.length, (byte) 0xFF);
                    }
                    Reason reason = outcome(datagram);
                    // Plain check: an assertion chain a million times would dominate the run time.
                    if (reason != expected) {
                        fail("type 0x%02x of %d bytes: %s, not %s", type, datagram.length, reason, expected);
                    }
                    if (reason == null) {
                        decodedTypes.add(FrameType.ofCode(type));
                    } else {
                        reasons.merge(reason, 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(decodedTypes).containsExactlyInAnyOrder(FrameType.values());
        assertThat(reasons).containsOnlyKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.TRUNCATED,
                Reason.TRAILING_BYTES);
    }

    @Test
    void shouldReturnAFrameOrThrowProtocolExceptionForEveryMutationOfEveryGoldenVector() {
        Random random = new Random(0xF040);
        int decoded = 0;
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = CodecUnderTest.mutate(vector.bytes(), random);
                Reason reason = outcome(mutated);
                if (reason == null) {
                    decoded++;
                } else if (mutated.length >= Wire.HEADER_SIZE && mutated.length <= Wire.MAX_DATAGRAM_SIZE
                        && Arrays.equals(mutated, 0, 3, header(0), 0, 3)) {
                    assertThat(reason).as("%s mutated to %d bytes", vector.name(), mutated.length)
                            .isEqualTo(expected(mutated[Wire.TYPE_OFFSET] & 0xFF, mutated.length));
                }
            }
        }
        // A byte changed inside the opaque fields keeps the frame valid: the decoder saw those too.
        assertThat(decoded).isPositive();
    }

    static Stream<Vector<PeerFrame>> vectors() {
        return PeerGoldenVectors.ALL.stream();
    }

    static Stream<Vector<PeerFrame>> handshakeVectors() {
        return PeerGoldenVectors.ALL.stream().filter(v -> !(v.message() instanceof Transport));
    }

    static Stream<Vector<PeerFrame>> transportVectors() {
        return PeerGoldenVectors.ALL.stream().filter(v -> v.message() instanceof Transport);
    }

    /** A handshake frame cut short is {@code TRUNCATED} (shorter than its one size), or {@code TOO_SHORT}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakeVectors")
    void shouldRejectEveryTruncationOfAHandshakeFrame(Vector<PeerFrame> vector) {
        CODEC.assertEveryTruncationRejected(vector.bytes());
    }

    /**
     * A TRANSPORT cut short is {@code TRUNCATED} below 33 bytes; from there it is a TRANSPORT with fewer sealed bytes,
     * which the clear layer cannot tell from a genuine one: its tag then fails to open.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transportVectors")
    void shouldDecodeATransportCutShortOnlyWhileItHoldsATagAndOneByte(Vector<PeerFrame> vector)
            throws ProtocolException {
        byte[] bytes = vector.bytes();
        Transport transport = (Transport) vector.message();
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            if (length < 33) {
                assertThat(reasonOf(cut)).as("first %d bytes", length)
                        .isEqualTo(length < Wire.HEADER_SIZE ? Reason.TOO_SHORT : Reason.TRUNCATED);
            } else {
                assertThat(outcome(cut)).as("first %d bytes", length).isNull();
                Transport decoded = (Transport) PeerFrameCodec.decode(cut);
                assertThat(decoded.receiverIndex()).isEqualTo(transport.receiverIndex());
                assertThat(decoded.counter()).isEqualTo(transport.counter());
                assertThat(decoded.sealed().toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 16, length));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakeVectors")
    void shouldRejectATrailingByteAfterAHandshakeFrame(Vector<PeerFrame> vector) {
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            assertThat(reasonOf(bytes)).isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    /** A byte after a TRANSPORT is one more sealed byte, up to the largest peer datagram; past it, TOO_LONG. */
    @Test
    void shouldTakeABytePastATransportAsSealedUntilTheLargestPeerDatagram() throws ProtocolException {
        byte[] smallest = PeerGoldenVectors.named("TRANSPORT of the smallest size").bytes();
        byte[] longer = Arrays.copyOf(smallest, smallest.length + 1);
        assertThat(outcome(longer)).isNull();
        assertThat(((Transport) PeerFrameCodec.decode(longer)).sealed().length()).isEqualTo(18);

        byte[] largest = PeerGoldenVectors.named("TRANSPORT of the largest size").bytes();
        assertThat(reasonOf(Arrays.copyOf(largest, 1121))).isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(Arrays.copyOf(largest, 1156))).as("the largest peer datagram of an earlier draft")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(Arrays.copyOf(largest, 1200))).as("a datagram, but no peer datagram")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(Arrays.copyOf(largest, 1201))).isEqualTo(Reason.TOO_LONG);
    }

    /** The size decides a handshake frame at any length a datagram may have: longer is trailing bytes. */
    @Test
    void shouldRejectAHandshakeFrameLongerThanAPeerDatagramAsTrailingBytesUpToTheDatagramLimit() {
        for (FrameType type : PeerGoldenVectors.HANDSHAKE_SIZES.keySet()) {
            assertThat(reasonOf(Arrays.copyOf(header(type.code()), 1121))).as("%s", type)
                    .isEqualTo(Reason.TRAILING_BYTES);
            assertThat(reasonOf(Arrays.copyOf(header(type.code()), 1200))).as("%s", type)
                    .isEqualTo(Reason.TRAILING_BYTES);
            assertThat(reasonOf(Arrays.copyOf(header(type.code()), 1201))).as("%s", type)
                    .isEqualTo(Reason.TOO_LONG);
        }
    }

    /**
     * The clear layer reads nothing inside a handshake frame's fields: any bit flipped after the header still decodes,
     * to another frame of the same type. It is mac1, the Noise tags and the seals that refuse such a frame.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeAFrameWithAnyBitAfterItsHeaderFlippedToAnotherFrame(Vector<PeerFrame> vector)
            throws ProtocolException {
        byte[] original = vector.bytes();
        for (int bit = Wire.HEADER_SIZE * 8; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(outcome(bytes)).as("bit %d", bit).isNull();
            PeerFrame decoded = PeerFrameCodec.decode(bytes);
            assertThat(decoded.type()).as("bit %d", bit).isEqualTo(vector.message().type());
            assertThat(decoded).as("bit %d", bit).isNotEqualTo(vector.message());
        }
    }

    /**
     * A flipped bit in the header is a bad magic, a bad version, a type that is no frame type, or another frame type:
     * of another size, it is {@code TRUNCATED} or {@code TRAILING_BYTES}; of the same size (INITIATION_XX and
     * RESPONSE_XX are both 253 bytes) it decodes as that type, for mac1 or the Noise tags to refuse.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryFlippedBitOfTheHeaderUnlessItMakesAFrameOfTheSameSize(Vector<PeerFrame> vector) {
        byte[] original = vector.bytes();
        for (int bit = 0; bit < Wire.HEADER_SIZE * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            int type = bytes[Wire.TYPE_OFFSET] & 0xFF;
            Reason expected = bit < Wire.VERSION_OFFSET * 8 ? Reason.BAD_MAGIC
                    : bit < Wire.TYPE_OFFSET * 8 ? Reason.BAD_VERSION
                    : expected(type, bytes.length);
            assertThat(outcome(bytes)).as("bit %d", bit).isEqualTo(expected);
        }
    }

    @Test
    void shouldDecodeAnXxResponseWithOneTypeBitFlippedAsAnXxInitiation() throws ProtocolException {
        byte[] response = PeerGoldenVectors.named("RESPONSE_XX").bytes();
        response[Wire.TYPE_OFFSET] ^= 0x02;
        assertThat(PeerFrameCodec.decode(response).type()).isEqualTo(FrameType.INITIATION_XX);
    }

    /** Every flipped bit of the magic is {@code BAD_MAGIC}, every version but 1 {@code BAD_VERSION}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldCheckTheSharedHeaderFirst(Vector<PeerFrame> vector) {
        CODEC.assertHeaderChecked(vector.bytes());
    }

    @Test
    void shouldRejectEveryTypeCodeThatIsNoFrameTypeAtEverySizeOfAFrame() {
        for (int type = 0; type <= 0xFF; type++) {
            if (FrameType.ofCode(type) == null) {
                // Bodies of the size of every frame type: the type alone decides.
                for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
                    byte[] bytes = vector.bytes();
                    bytes[Wire.TYPE_OFFSET] = (byte) type;
                    assertThat(reasonOf(bytes)).as("type 0x%02x, %s", type, vector.name())
                            .isEqualTo(Reason.UNKNOWN_TYPE);
                }
            }
        }
        assertThat(reasonOf(hex("5032 01 00"))).isEqualTo(Reason.UNKNOWN_TYPE);
        for (int type = 0x47; type <= Wire.PEER_TYPES_LAST; type++) {
            assertThat(FrameType.ofCode(type)).as("peer-to-peer type 0x%02x is reserved", type).isNull();
        }
        for (FrameType type : FrameType.values()) {
            assertThat(reasonOf(header(type.code()))).as("%s without a body", type).isEqualTo(Reason.TRUNCATED);
        }
    }

    /** A tracker message is no peer frame: {@code UNKNOWN_TYPE} here; the header's own checks still come first. */
    @Test
    void shouldRejectEveryTrackerMessageAsUnknownType() {
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            assertThat(reasonOf(vector.bytes())).as(vector.name()).isEqualTo(Reason.UNKNOWN_TYPE);
        }
        for (TrackerMessageType type : TrackerMessageType.values()) {
            assertThat(FrameType.ofCode(type.code())).as(type.name()).isNull();
            assertThat(reasonOf(header(type.code()))).as("%s without a body", type).isEqualTo(Reason.UNKNOWN_TYPE);
            // A tracker type with a body of the size of a TRANSPORT, the one frame of a variable size.
            assertThat(reasonOf(Arrays.copyOf(header(type.code()), 33))).as("%s of 33 bytes", type)
                    .isEqualTo(Reason.UNKNOWN_TYPE);
        }
        byte[] ok = TrackerGoldenVectors.named("OK").bytes();
        ok[Wire.VERSION_OFFSET] = 2;
        assertThat(reasonOf(ok)).as("the version before the type").isEqualTo(Reason.BAD_VERSION);
        byte[] longList = Arrays.copyOf(header(TrackerMessageType.LIST_PAGE.code()), Wire.MAX_DATAGRAM_SIZE + 1);
        assertThat(reasonOf(longList)).as("the length before the type").isEqualTo(Reason.TOO_LONG);
    }

    /** Shorter than a header is {@code TOO_SHORT}, longer than a datagram {@code TOO_LONG}, before anything else. */
    @Test
    void shouldCheckTheLengthFirst() {
        CODEC.assertLengthCheckedFirst();
    }

    @Test
    void shouldCarryNoStackTraceInAProtocolException() {
        assertThatThrownBy(() -> PeerFrameCodec.decode(new byte[1]))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT);
                    assertThat(e.getMessage()).startsWith("TOO_SHORT");
                });
    }
}
