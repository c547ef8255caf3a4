package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.ALICE_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.NONCE;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.header;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.hexWithChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerGoldenVectors;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
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

/** Hostile datagrams: the peer frame decoder returns a frame or throws {@link ProtocolException}, nothing else. */
@Timeout(120)
class PeerFrameCodecMalformedInputTest {
    private static final int SWEEP_MAX_BODY = 1300;
    private static final CodecUnderTest<PeerFrame> CODEC =
            new CodecUnderTest<>(PeerFrameCodec::decode, PeerFrameCodec::encode);

    private static Reason outcome(byte[] datagram) {
        return CODEC.outcome(datagram);
    }

    private static Reason reasonOf(byte[] datagram) {
        return CODEC.reasonOf(datagram);
    }

    @Test
    void shouldReturnAFrameOrThrowProtocolExceptionForEveryTypeAndBodyLength() {
        Random random = new Random(0x5EED);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<FrameType> decodedTypes = EnumSet.noneOf(FrameType.class);
        for (int type = 0; type <= 0xFF; type++) {
            boolean defined = FrameType.ofCode(type) != null;
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
                    // A frame type's body is tried twice: as it is, where the checksum nearly always fails, and
                    // followed by the right checksum, so that the body's own checks are swept too.
                    for (byte[] candidate : defined ? List.of(datagram, GoldenVectors.withChecksum(datagram))
                            : List.of(datagram)) {
                        Reason reason = outcome(candidate);
                        if (reason == null) {
                            decodedTypes.add(FrameType.ofCode(type));
                        } else {
                            reasons.merge(reason, 1, Integer::sum);
                        }
                        // Plain check: an assertion chain a million times would dominate the run time.
                        if (candidate.length <= Wire.MAX_DATAGRAM_SIZE
                                && defined == (reason == Reason.UNKNOWN_TYPE)) {
                            fail("type 0x%02x with a body of %d bytes rejected as %s", type, bodyLength, reason);
                        }
                    }
                }
            }
        }
        // The sweep reached past the limits: every kind of rejection happened, and some bodies were valid,
        // among them the frames whose all-zero body (with its checksum) is valid.
        assertThat(decodedTypes).contains(FrameType.PING, FrameType.PONG, FrameType.ACK, FrameType.GOODBYE);
        assertThat(reasons).containsKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.BAD_CHECKSUM, Reason.TRUNCATED,
                Reason.TRAILING_BYTES, Reason.BAD_FIELD);
    }

    @Test
    void shouldReturnAFrameOrThrowProtocolExceptionForEveryMutationOfEveryGoldenVector() {
        Random random = new Random(0xF022);
        int decoded = 0;
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = CodecUnderTest.mutate(vector.bytes(), random);
                if (outcome(mutated) == null) {
                    decoded++;
                }
                // With the checksum made right again, the mutation reaches the body's own checks.
                if (mutated.length >= Wire.HEADER_SIZE + PeerWire.CHECKSUM_SIZE
                        && outcome(GoldenVectors.rechecksummed(mutated)) == null) {
                    decoded++;
                }
            }
        }
        // Flipping bytes inside keys, sessions and signatures keeps a frame valid: the decoder saw those too.
        assertThat(decoded).isPositive();
    }

    static Stream<Vector<PeerFrame>> vectors() {
        return PeerGoldenVectors.ALL.stream();
    }

    /**
     * A peer frame's last four bytes are its checksum, so one cut short is {@code BAD_CHECKSUM}, unless fewer than
     * four bytes follow the header: then the trailer itself is missing, and that is {@code TRUNCATED}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryTruncation(Vector<PeerFrame> vector) {
        byte[] bytes = vector.bytes();
        for (int length = 0; length < bytes.length; length++) {
            Reason expected = length < Wire.HEADER_SIZE ? Reason.TOO_SHORT
                    : length >= Wire.HEADER_SIZE + PeerWire.CHECKSUM_SIZE ? Reason.BAD_CHECKSUM
                    : Reason.TRUNCATED;
            assertThat(reasonOf(Arrays.copyOf(bytes, length))).as("first %d bytes", length).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryTruncatedBodyBehindAValidChecksumAsTruncated(Vector<PeerFrame> vector) {
        byte[] body = Arrays.copyOf(vector.bytes(), vector.bytes().length - PeerWire.CHECKSUM_SIZE);
        for (int length = Wire.HEADER_SIZE; length < body.length; length++) {
            byte[] cut = GoldenVectors.withChecksum(Arrays.copyOf(body, length));
            assertThat(reasonOf(cut)).as("first %d bytes and a checksum", length).isEqualTo(Reason.TRUNCATED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectAFrameWithoutItsChecksum(Vector<PeerFrame> vector) {
        byte[] bytes = vector.bytes();
        byte[] withoutTrailer = Arrays.copyOf(bytes, bytes.length - PeerWire.CHECKSUM_SIZE);
        assertThat(reasonOf(withoutTrailer)).as("the body's last four bytes taken for the checksum")
                .isEqualTo(Reason.BAD_CHECKSUM);
        for (int missing = 1; missing < PeerWire.CHECKSUM_SIZE; missing++) {
            assertThat(reasonOf(Arrays.copyOf(bytes, bytes.length - missing))).as("%d bytes of the checksum missing",
                    missing).isEqualTo(Reason.BAD_CHECKSUM);
        }
    }

    @Test
    void shouldRejectAFrameHeaderWithoutRoomForTheChecksumAsTruncated() {
        for (FrameType type : FrameType.values()) {
            for (String after : new String[] {"", "00", "0000", "000000"}) {
                assertThat(reasonOf(hex(String.format("5032 01 %02x", type.code()), after)))
                        .as("%s and %d bytes", type, after.length() / 2).isEqualTo(Reason.TRUNCATED);
            }
        }
    }

    /**
     * Every bit of a peer frame after the header, the checksum's own included, is covered: one flip is
     * {@code BAD_CHECKSUM}. A flip in the header is caught before the checksum (magic, version, a type that is no
     * frame type, tracker types included) or by it (another frame type). No flip anywhere yields a frame.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryFlippedBitOfAFrame(Vector<PeerFrame> vector) {
        byte[] original = vector.bytes();
        for (int bit = 0; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            int type = bytes[Wire.TYPE_OFFSET] & 0xFF;
            Reason expected = bit < Wire.VERSION_OFFSET * 8 ? Reason.BAD_MAGIC
                    : bit < Wire.TYPE_OFFSET * 8 ? Reason.BAD_VERSION
                    : bit < Wire.HEADER_SIZE * 8 && FrameType.ofCode(type) == null ? Reason.UNKNOWN_TYPE
                    : Reason.BAD_CHECKSUM;
            assertThat(reasonOf(bytes)).as("bit %d", bit).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectATrailingByte(Vector<PeerFrame> vector) {
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            // After the checksum, the extra byte moves the trailer: the checksum fails.
            assertThat(reasonOf(bytes)).isEqualTo(Reason.BAD_CHECKSUM);
            // Before a valid checksum, the extra byte is left over after the body's last field.
            byte[] body = Arrays.copyOf(vector.bytes(), vector.bytes().length - PeerWire.CHECKSUM_SIZE + 1);
            body[body.length - 1] = (byte) trailing;
            assertThat(reasonOf(GoldenVectors.withChecksum(body))).isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectABadMagic(Vector<PeerFrame> vector) {
        for (int offset = 0; offset < 2; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bytes = vector.bytes();
                bytes[offset] ^= (byte) (1 << bit);
                assertThat(reasonOf(bytes)).isEqualTo(Reason.BAD_MAGIC);
                assertThat(reasonOf(GoldenVectors.rechecksummed(bytes))).as("with a right checksum")
                        .isEqualTo(Reason.BAD_MAGIC);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryVersionButOne(Vector<PeerFrame> vector) {
        for (int version = 0; version <= 0xFF; version++) {
            if (version != Wire.VERSION) {
                byte[] bytes = vector.bytes();
                bytes[Wire.VERSION_OFFSET] = (byte) version;
                assertThat(reasonOf(bytes)).as("version %d", version).isEqualTo(Reason.BAD_VERSION);
                assertThat(reasonOf(GoldenVectors.rechecksummed(bytes))).as("version %d, right checksum", version)
                        .isEqualTo(Reason.BAD_VERSION);
            }
        }
    }

    @Test
    void shouldRejectEveryTypeCodeThatIsNoFrameType() {
        for (int type = 0; type <= 0xFF; type++) {
            if (FrameType.ofCode(type) == null) {
                // The body is a valid GOODBYE body with its checksum: the type alone decides.
                byte[] bytes = hexWithChecksum(String.format("5032 01 %02x", type), BOB_SESSION);
                assertThat(reasonOf(bytes)).as("type 0x%02x", type).isEqualTo(Reason.UNKNOWN_TYPE);
            }
        }
        assertThat(reasonOf(hex("5032 01 00"))).isEqualTo(Reason.UNKNOWN_TYPE);
        for (int type = 0x47; type <= Wire.PEER_TYPES_LAST; type++) {
            assertThat(FrameType.ofCode(type)).as("peer-to-peer type 0x%02x is reserved", type).isNull();
        }
        for (int type = Wire.PEER_TYPES_FIRST; type <= 0x46; type++) {
            assertThat(FrameType.ofCode(type)).as("type 0x%02x is defined", type).isNotNull();
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type)))).as("type 0x%02x without a body", type)
                    .isEqualTo(Reason.TRUNCATED);
            assertThat(reasonOf(hexWithChecksum(String.format("5032 01 %02x", type))))
                    .as("type 0x%02x without a body but with its checksum", type).isEqualTo(Reason.TRUNCATED);
        }
    }

    /**
     * A tracker message is no peer frame: {@code UNKNOWN_TYPE} here, whatever its body, even followed by a right
     * checksum; the header's own checks still come first.
     */
    @Test
    void shouldRejectEveryTrackerMessageAsUnknownType() {
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            assertThat(reasonOf(vector.bytes())).as(vector.name()).isEqualTo(Reason.UNKNOWN_TYPE);
            assertThat(reasonOf(GoldenVectors.withChecksum(vector.bytes()))).as("%s and a checksum", vector.name())
                    .isEqualTo(Reason.UNKNOWN_TYPE);
        }
        for (TrackerMessageType type : TrackerMessageType.values()) {
            assertThat(FrameType.ofCode(type.code())).as(type.name()).isNull();
            assertThat(reasonOf(header(type.code()))).as("%s without a body", type).isEqualTo(Reason.UNKNOWN_TYPE);
        }
        byte[] ok = TrackerGoldenVectors.named("OK").bytes();
        ok[Wire.VERSION_OFFSET] = 2;
        assertThat(reasonOf(ok)).as("the version before the type").isEqualTo(Reason.BAD_VERSION);
        byte[] longList = Arrays.copyOf(header(TrackerMessageType.LIST_PAGE.code()), Wire.MAX_DATAGRAM_SIZE + 1);
        assertThat(reasonOf(longList)).as("the length before the type").isEqualTo(Reason.TOO_LONG);
    }

    @Test
    void shouldRejectDatagramsShorterThanTheHeader() {
        assertThat(reasonOf(new byte[0])).isEqualTo(Reason.TOO_SHORT);
        assertThat(reasonOf(hex("50"))).isEqualTo(Reason.TOO_SHORT);
        assertThat(reasonOf(hex("5032"))).isEqualTo(Reason.TOO_SHORT);
        assertThat(reasonOf(hex("5032 01"))).isEqualTo(Reason.TOO_SHORT);
        assertThat(reasonOf(hex("ffff ff"))).as("too short wins over bad magic").isEqualTo(Reason.TOO_SHORT);
    }

    @Test
    void shouldRejectDatagramsLongerThanTheLimitBeforeLookingAtThem() {
        byte[] bytes = Arrays.copyOf(header(FrameType.DATA.code()), Wire.MAX_DATAGRAM_SIZE + 1);
        assertThat(reasonOf(bytes)).isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(GoldenVectors.rechecksummed(bytes))).as("with a right checksum")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(new byte[65_507])).isEqualTo(Reason.TOO_LONG);
    }

    static Stream<Arguments> badFields() {
        String helloHead = "5032 01 40" + ALICE_SESSION + NONCE;
        String dataHead = "5032 01 44" + BOB_SESSION + "0000000000000007";
        String ackHead = "5032 01 45" + ALICE_SESSION + "0000000000000007";
        return Stream.of(
                Arguments.of("HELLO name of length 0",
                        helloHead + "00" + IDENTITY_KEY + IDENTITY_KEY + "00000000" + SIGNATURE),
                Arguments.of("HELLO name with a space",
                        helloHead + "03 612062" + IDENTITY_KEY + IDENTITY_KEY + "00000000" + SIGNATURE),
                Arguments.of("HELLO_ACK name of length 33",
                        "5032 01 41" + BOB_SESSION + NONCE + "21" + "61".repeat(33) + IDENTITY_KEY + IDENTITY_KEY
                                + "00000000" + SIGNATURE),
                Arguments.of("DATA with fragments = 0", dataHead + "01 0000 0000 0000"),
                Arguments.of("DATA with 60 fragments", dataHead + "01 0000 003c 0000"),
                Arguments.of("DATA with 65535 fragments", dataHead + "01 0000 ffff 0000"),
                Arguments.of("DATA fragment 3 of 3", dataHead + "01 0003 0003 0000"),
                Arguments.of("DATA fragment 59 of 59", dataHead + "01 003b 003b 0000"),
                Arguments.of("DATA fragment 65535 of 1", dataHead + "01 ffff 0001 0000"),
                Arguments.of("DATA payload length 1126, nothing after", dataHead + "01 0000 0001 0466"),
                Arguments.of("DATA payload length 1126 of 1125 bytes present",
                        dataHead + "01 0000 0001 0466" + "78".repeat(1125)),
                Arguments.of("DATA payload length 1169 of 1169 bytes present, the old limit",
                        dataHead + "01 0000 0001 0491" + "78".repeat(1169)),
                Arguments.of("DATA payload length 65535", dataHead + "01 0000 0001 ffff"),
                Arguments.of("DATA fragment 0 of 2, empty", dataHead + "01 0000 0002 0000"),
                Arguments.of("DATA fragment 0 of 2 with 9 bytes", dataHead + "01 0000 0002 0009" + "78".repeat(9)),
                Arguments.of("DATA fragment 0 of 2 with 1124 bytes",
                        dataHead + "01 0000 0002 0464" + "78".repeat(1124)),
                Arguments.of("DATA fragment 57 of 59 with 1 byte", dataHead + "01 0039 003b 0001 78"),
                Arguments.of("DATA fragment 0 of 9, nothing after the length", dataHead + "01 0000 0009 0001"),
                Arguments.of("DATA content kind 0", dataHead + "00 0000 0001 0000"),
                Arguments.of("DATA content kind 8", dataHead + "08 0000 0001 0000"),
                Arguments.of("DATA content kind 255", dataHead + "ff 0000 0001 0000"),
                Arguments.of("ACK fragment 59", ackHead + "003b"),
                Arguments.of("ACK fragment 65535", ackHead + "ffff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectAFieldOutOfItsRangeAsBadField(String description, String frame) {
        // The frame gets its right checksum, so that the field is what fails.
        assertThat(reasonOf(hexWithChecksum(frame))).isEqualTo(Reason.BAD_FIELD);
    }

    @Test
    void shouldRejectADataPayloadLongerThanTheBytesPresentAsTruncated() {
        String head = "5032 01 44" + BOB_SESSION + "0000000000000007" + "01 0000 0001";
        assertThat(reasonOf(hexWithChecksum(head, "0004", "616263"))).isEqualTo(Reason.TRUNCATED);
        assertThat(reasonOf(hexWithChecksum(head, "0001"))).isEqualTo(Reason.TRUNCATED);
        // The longest allowed payload, one byte short: 1155 bytes in all. The payload never reaches into the trailer.
        assertThat(reasonOf(hexWithChecksum(head, "0465", "78".repeat(1124)))).isEqualTo(Reason.TRUNCATED);
        // A payload length shorter than the bytes present leaves trailing bytes.
        assertThat(reasonOf(hexWithChecksum(head, "0002", "616263"))).isEqualTo(Reason.TRAILING_BYTES);
    }

    /**
     * A sender cuts a message into full fragments and the rest, so a fragment but the last that is not full can
     * only be damaged, for instance a fragment count that grew: it is refused before its payload is read, where a
     * receiver that accepted it would acknowledge fragment 0 of 9 and wait for eight that do not exist.
     */
    @Test
    void shouldRejectAFragmentButTheLastThatIsNotFullAsBadField() {
        String data = "5032 01 44" + BOB_SESSION + "0000000000000007" + "01";
        assertThat(outcome(hexWithChecksum(data, "0000 0001 0005", "68656c6c6f"))).as("the only fragment").isNull();
        assertThat(reasonOf(hexWithChecksum(data, "0000 0009 0005", "68656c6c6f"))).as("the same claiming nine")
                .isEqualTo(Reason.BAD_FIELD);
        assertThat(outcome(hexWithChecksum(data, "0008 0009 0005", "68656c6c6f"))).as("the last of nine").isNull();
        for (int length : new int[] {0, 1, PeerWire.MAX_FRAGMENT_PAYLOAD - 1}) {
            for (int fragment = 0; fragment < PeerWire.MAX_FRAGMENTS - 1; fragment++) {
                byte[] bytes = hexWithChecksum(data, String.format("%04x %04x %04x", fragment,
                        PeerWire.MAX_FRAGMENTS, length), "78".repeat(length));
                assertThat(reasonOf(bytes)).as("fragment %d of %d with %d bytes", fragment, PeerWire.MAX_FRAGMENTS,
                        length).isEqualTo(Reason.BAD_FIELD);
            }
        }
    }

    @Test
    void shouldRejectBytesAfterAGoodbye() {
        assertThat(reasonOf(hexWithChecksum("5032 01 46", BOB_SESSION, "00"))).isEqualTo(Reason.TRAILING_BYTES);
        assertThat(reasonOf(hexWithChecksum("5032 01 46", BOB_SESSION, "00000000")))
                .as("a PING's sequence after a GOODBYE").isEqualTo(Reason.TRAILING_BYTES);
        assertThat(reasonOf(hexWithChecksum("5032 01 46", BOB_SESSION, BOB_SESSION)))
                .isEqualTo(Reason.TRAILING_BYTES);
        assertThat(reasonOf(hex("5032 01 46", BOB_SESSION, "00000000"))).as("a body without its checksum")
                .isEqualTo(Reason.BAD_CHECKSUM);
    }

    @Test
    void shouldAcceptTheEdgesOfTheFragmentRanges() {
        String data = "5032 01 44" + BOB_SESSION + "0000000000000007" + "07";
        assertThat(outcome(hexWithChecksum(data, "0000 0001 0000"))).as("fragment 0 of 1").isNull();
        assertThat(outcome(hexWithChecksum(data, "003a 003b 0000"))).as("fragment 58 of 59").isNull();
        assertThat(outcome(hexWithChecksum(data, "0000 0002 0465", "78".repeat(1125)))).as("a full fragment 0 of 2")
                .isNull();
        assertThat(outcome(hexWithChecksum(data, "0039 003b 0465", "78".repeat(1125)))).as("a full fragment 57 of 59")
                .isNull();
        assertThat(outcome(hexWithChecksum(data, "003a 003b 0465", "78".repeat(1125))))
                .as("a full fragment 58 of 59: %d bytes", Wire.MAX_PEER_DATAGRAM_SIZE).isNull();
        assertThat(outcome(hexWithChecksum("5032 01 45", ALICE_SESSION, "0000000000000007", "003a")))
                .as("ACK fragment 58").isNull();
    }

    @Test
    void shouldNotTurnAValidFixedFieldIntoAnError() {
        // Bytes of sessions, nonces, keys and signatures carry any value: flipping them (with the checksum made
        // right again) still decodes.
        byte[] bytes = PeerGoldenVectors.named("HELLO").bytes();
        for (int i = Wire.HEADER_SIZE; i < Wire.HEADER_SIZE + 16; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
        assertThat(outcome(GoldenVectors.rechecksummed(bytes))).isNull();
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
