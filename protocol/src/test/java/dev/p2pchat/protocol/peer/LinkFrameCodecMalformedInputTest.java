package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile link frames: a peer that holds the keys can seal anything, so the link frame decoder returns a frame or
 * throws {@link ProtocolException}, nothing else. Inputs are at most {@value PeerWire#MAX_LINK_FRAME_SIZE} bytes,
 * the most one TRANSPORT frame can seal: a receiver never has a longer link frame to decode.
 */
@Timeout(120)
class LinkFrameCodecMalformedInputTest {
    private static final CodecUnderTest<LinkFrame> CODEC = new CodecUnderTest<>(
            frame -> LinkFrameCodec.decode(frame, 0, frame.length), LinkFrameCodec::encode,
            PeerWire.MAX_LINK_FRAME_SIZE);
    /** A DATA with an ack block of no entries, message 1, TEXT: total, offset and payload follow. */
    private static final String DATA_HEAD = "03 00000001 00 00000001 01";

    private static Reason outcome(byte[] frame) {
        return CODEC.outcome(frame);
    }

    private static Reason reasonOf(byte[] frame) {
        return CODEC.reasonOf(frame);
    }

    /** Every kind code at every length a TRANSPORT can seal, with bodies of random bytes and 0xFF. */
    @Test
    void shouldReturnAFrameOrThrowProtocolExceptionForEveryKindAndLength() {
        Random random = new Random(0x5EED_0046);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<Kind> decodedKinds = EnumSet.noneOf(Kind.class);
        for (int kind = 0; kind <= 0xFF; kind++) {
            boolean defined = Kind.ofCode(kind) != null;
            for (int length = 1; length <= PeerWire.MAX_LINK_FRAME_SIZE; length++) {
                byte[] frame = new byte[length];
                for (int fill = 0; fill < 2; fill++) {
                    if (fill == 0) {
                        random.nextBytes(frame);
                    } else {
                        Arrays.fill(frame, (byte) 0xFF);
                    }
                    frame[0] = (byte) kind;
                    Reason reason = outcome(frame);
                    // Plain checks: an assertion chain half a million times would dominate the run time.
                    if (defined == (reason == Reason.UNKNOWN_TYPE)) {
                        fail("kind %d of %d bytes rejected as %s", kind, length, reason);
                    }
                    if (reason == null) {
                        decodedKinds.add(Kind.ofCode(kind));
                    } else {
                        reasons.merge(reason, 1, Integer::sum);
                    }
                }
            }
        }
        // Any bytes make a SKIP of 5 bytes but for id 0, and a GOODBYE of 1; the other kinds have flags, counts and
        // ranges that random bytes nearly always miss.
        assertThat(decodedKinds).contains(Kind.SKIP, Kind.GOODBYE);
        assertThat(reasons).containsOnlyKeys(Reason.UNKNOWN_TYPE, Reason.TRUNCATED, Reason.TRAILING_BYTES,
                Reason.BAD_FIELD);
    }

    /**
     * Zeros after the kind byte, at every length: the first field that is short or out of range decides, in wire
     * order. A cursor or message id of 0 is the first bad field of DATA, ACK, SKIP and SKIPPED.
     */
    @Test
    void shouldRejectZerosAfterEveryKindForTheFirstShortOrBadField() {
        assertThat(reasonOf(new byte[0])).as("no kind byte").isEqualTo(Reason.TRUNCATED);
        for (int kind = 0; kind <= 0xFF; kind++) {
            for (int length = 1; length <= PeerWire.MAX_LINK_FRAME_SIZE; length++) {
                byte[] frame = new byte[length];
                frame[0] = (byte) kind;
                Reason expected = Kind.ofCode(kind) == null ? Reason.UNKNOWN_TYPE : switch (Kind.ofCode(kind)) {
                    case PING -> length < 6 ? Reason.TRUNCATED : null;
                    case PONG -> length < 6 ? Reason.TRUNCATED : length > 6 ? Reason.TRAILING_BYTES : null;
                    case DATA, ACK, SKIP, SKIPPED -> length < 5 ? Reason.TRUNCATED : Reason.BAD_FIELD;
                    case GOODBYE -> length > 1 ? Reason.TRAILING_BYTES : null;
                };
                Reason reason = outcome(frame);
                if (reason != expected) {
                    fail("kind %d of %d zero bytes: %s, not %s", kind, length, reason, expected);
                }
            }
        }
    }

    @Test
    void shouldReturnAFrameOrThrowProtocolExceptionForEveryMutationOfEveryGoldenVector() {
        Random random = new Random(0xF046);
        int decoded = 0;
        for (Vector<LinkFrame> vector : LinkGoldenVectors.ALL) {
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = CodecUnderTest.mutate(vector.bytes(), random);
                if (outcome(mutated) == null) {
                    decoded++;
                }
            }
        }
        // A changed sequence, id, offset or payload byte keeps the frame valid: the decoder saw those too.
        assertThat(decoded).isPositive();
    }

    static Stream<Vector<LinkFrame>> vectors() {
        return LinkGoldenVectors.ALL.stream();
    }

    /**
     * The bytes before a PING's padding or a DATA's payload: both run to the end of the frame, so a frame cut inside
     * them is a frame with less of them. Every other kind is fixed fields only.
     */
    private static int fixedPart(LinkFrame frame, int length) {
        if (frame instanceof Ping) {
            return 1 + 4 + 1;
        }
        if (frame instanceof Data data) {
            return length - data.payload().length();
        }
        return length;
    }

    /** A link frame cut inside its fields is {@code TRUNCATED}, whichever field the cut falls in. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryCutInsideTheFieldsAsTruncated(Vector<LinkFrame> vector) {
        byte[] bytes = vector.bytes();
        for (int length = 0; length < fixedPart(vector.message(), bytes.length); length++) {
            assertThat(reasonOf(Arrays.copyOf(bytes, length))).as("first %d bytes", length)
                    .isEqualTo(Reason.TRUNCATED);
        }
    }

    /**
     * Cut inside a PING's padding or a DATA's payload, a frame is a shorter PING, or a shorter piece of the same
     * message; cut to an empty piece of a message that is not empty, it is {@code BAD_FIELD}. Only the seal tells
     * such a frame from a genuine one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeACutInsideThePaddingOrPayloadAsTheShorterFrame(Vector<LinkFrame> vector)
            throws ProtocolException {
        byte[] bytes = vector.bytes();
        for (int length = fixedPart(vector.message(), bytes.length); length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            if (vector.message() instanceof Data data && length == fixedPart(data, bytes.length)
                    && data.total() > 0) {
                assertThat(reasonOf(cut)).as("first %d bytes", length).isEqualTo(Reason.BAD_FIELD);
                continue;
            }
            assertThat(outcome(cut)).as("first %d bytes", length).isNull();
            LinkFrame shorter = LinkFrameCodec.decode(cut, 0, cut.length);
            assertThat(shorter.kind()).isEqualTo(vector.message().kind());
            assertThat(shorter).isNotEqualTo(vector.message());
        }
    }

    /** Kinds without a field to the end: a byte after the last field is left over. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectATrailingByteAfterAFrameOfFixedFields(Vector<LinkFrame> vector) {
        if (vector.message() instanceof Ping || vector.message() instanceof Data) {
            return;
        }
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            assertThat(reasonOf(bytes)).as("trailing 0x%02x", trailing).isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    /**
     * A byte after a PING is padding: a zero makes a longer PING, anything else is {@code BAD_FIELD}. A byte after a
     * DATA is payload: every DATA vector's piece ends its message or is a full piece, so one more byte runs past the
     * message or makes the piece too long, {@code BAD_FIELD}.
     */
    @Test
    void shouldTakeAByteAfterAPingAsPaddingAndAfterADataAsPayload() throws ProtocolException {
        byte[] ping = Arrays.copyOf(LinkGoldenVectors.named("PING padded to 16 bytes").bytes(), 17);
        assertThat(LinkFrameCodec.decode(ping, 0, ping.length)).isEqualTo(new Ping(8, 0, 11));
        for (int trailing : new int[] {0x01, 0x80, 0xFF}) {
            ping[16] = (byte) trailing;
            assertThat(reasonOf(ping)).as("padding byte 0x%02x", trailing).isEqualTo(Reason.BAD_FIELD);
        }
        for (Vector<LinkFrame> vector : LinkGoldenVectors.ALL) {
            if (vector.message() instanceof Data) {
                byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
                Reason expected = bytes.length > PeerWire.MAX_LINK_FRAME_SIZE ? Reason.TOO_LONG : Reason.BAD_FIELD;
                assertThat(reasonOf(bytes)).as(vector.name()).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldRejectEveryKindCodeThatIsNoKind() {
        for (int kind = 0; kind <= 0xFF; kind++) {
            if (Kind.ofCode(kind) == null) {
                // Followed by the body of a valid PONG, or by nothing: the kind alone decides.
                assertThat(reasonOf(hex(String.format("%02x", kind), "00000001 00"))).as("kind %d", kind)
                        .isEqualTo(Reason.UNKNOWN_TYPE);
                assertThat(reasonOf(new byte[] {(byte) kind})).as("kind %d alone", kind)
                        .isEqualTo(Reason.UNKNOWN_TYPE);
            }
        }
    }

    static Stream<Arguments> badFields() {
        String entry = "00000002 0000 0001";
        return Stream.of(
                Arguments.of("PING flags 2", "01 00000001 02"),
                Arguments.of("PING flags PROBE and 0x80", "01 00000001 81"),
                Arguments.of("PING flags 0xff, padded", "01 00000001 ff 0000"),
                Arguments.of("PONG flags 2", "02 00000001 02"),
                Arguments.of("PONG flags 0x80", "02 00000001 80"),
                Arguments.of("PING padding with a non-zero first byte", "01 00000001 00 01 0000"),
                Arguments.of("PING padding with a non-zero last byte", "01 00000001 00 000000 01"),
                Arguments.of("PROBE PING padding of 0xff", "01 00000001 01 ff"),
                Arguments.of("DATA cursor 0", "03 00000000 00 00000001 01 00000001 0000 61"),
                Arguments.of("DATA message id 0", "03 00000001 00 00000000 01 00000001 0000 61"),
                Arguments.of("DATA ack entry of message 0", "03 00000001 01 00000000 0000 0001"
                        + "00000001 01 00000001 0000 61"),
                Arguments.of("DATA of 65 ack entries", "03 00000001 41" + entry.repeat(65)
                        + "00000001 01 00000001 0000 61"),
                Arguments.of("DATA content kind 0", "03 00000001 00 00000001 00 00000001 0000 61"),
                Arguments.of("DATA content kind 9", "03 00000001 00 00000001 09 00000001 0000 61"),
                Arguments.of("DATA content kind 255", "03 00000001 00 00000001 ff 00000001 0000 61"),
                Arguments.of("DATA total 65537", DATA_HEAD + "00010001 0000 61"),
                Arguments.of("DATA total 2^31", DATA_HEAD + "80000000 0000 61"),
                Arguments.of("DATA total 2^32 - 1", DATA_HEAD + "ffffffff 0000 61"),
                Arguments.of("DATA 3 bytes at 3 of 5", DATA_HEAD + "00000005 0003 616263"),
                Arguments.of("DATA 1 byte at 5 of 5", DATA_HEAD + "00000005 0005 61"),
                Arguments.of("DATA 1 byte at 65535 of 65535", DATA_HEAD + "0000ffff ffff 61"),
                Arguments.of("DATA 2 bytes at 65535 of 65536", DATA_HEAD + "00010000 ffff 6162"),
                Arguments.of("DATA empty piece of a message of 5 bytes", DATA_HEAD + "00000005 0000"),
                Arguments.of("DATA empty piece at 3 of 5", DATA_HEAD + "00000005 0003"),
                Arguments.of("DATA empty message at offset 1", DATA_HEAD + "00000000 0001"),
                Arguments.of("DATA empty message with a payload", DATA_HEAD + "00000000 0000 61"),
                Arguments.of("ACK cursor 0", "04 00000000 00"),
                Arguments.of("ACK of 65 entries", "04 00000001 41" + entry.repeat(65)),
                Arguments.of("ACK of 65 entries, none present", "04 00000001 41"),
                Arguments.of("ACK of 255 entries, none present", "04 00000001 ff"),
                Arguments.of("ACK entry of message 0", "04 00000001 01 00000000 0000 0001"),
                Arguments.of("ACK second entry of message 0", "04 00000001 02" + entry + "00000000 0000 0001"),
                Arguments.of("ACK entry of 1072 bytes", "04 00000001 01 00000002 0000 0430"),
                Arguments.of("ACK entry of 1107 bytes, an earlier draft's piece", "04 00000001 01 00000002 0000 0453"),
                Arguments.of("ACK entry of 65535 bytes", "04 00000001 01 00000002 0000 ffff"),
                Arguments.of("ACK entry of 2 bytes at 65535, past the largest message",
                        "04 00000001 01 00000002 ffff 0002"),
                Arguments.of("ACK entry of 1071 bytes at 64466, past the largest message",
                        "04 00000001 01 00000002 fbd2 042f"),
                Arguments.of("SKIP message id 0", "05 00000000"),
                Arguments.of("SKIPPED message id 0", "06 00000000 00"),
                Arguments.of("SKIPPED delivered 2", "06 00000001 02"),
                Arguments.of("SKIPPED delivered 255", "06 00000001 ff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectAFieldOutOfItsRangeAsBadField(String description, String frame) {
        assertThat(reasonOf(hex(frame))).isEqualTo(Reason.BAD_FIELD);
    }

    /** Fields are checked in wire order: a bad field before the end is {@code BAD_FIELD}, not {@code TRUNCATED}. */
    static Stream<Arguments> badFieldsBeforeTheEnd() {
        return Stream.of(
                Arguments.of("DATA cursor 0, nothing after", "03 00000000"),
                Arguments.of("DATA of 65 entries, nothing after", "03 00000001 41"),
                Arguments.of("DATA message id 0, nothing after", "03 00000001 00 00000000"),
                Arguments.of("DATA content kind 0, nothing after", "03 00000001 00 00000001 00"),
                Arguments.of("ACK cursor 0, nothing after", "04 00000000"),
                Arguments.of("ACK entry of message 0, cut after it", "04 00000001 02 00000000"),
                Arguments.of("ACK entry of 1072 bytes, a second entry missing", "04 00000001 02 00000002 0000 0430"),
                Arguments.of("PING flags 2, padding after", "01 00000001 02 00"),
                Arguments.of("SKIPPED message id 0, delivered missing", "06 00000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFieldsBeforeTheEnd")
    void shouldLetTheFirstBadFieldDecide(String description, String frame) {
        assertThat(reasonOf(hex(frame))).isEqualTo(Reason.BAD_FIELD);
    }

    /** More than one TRANSPORT can seal, whatever the bytes: refused before any field is read. */
    @Test
    void shouldRejectALinkFrameLongerThanATransportSealsAsTooLong() {
        assertThat(reasonOf(hex("01 00000001 00" + "00".repeat(1083)))).as("a PING of 1089 bytes")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(hex("01 00000001 00" + "00".repeat(1118)))).as("a PING of 1124 bytes")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(hex(DATA_HEAD + "00010000 0000" + "78".repeat(1072)))).as("a DATA piece of 1072 bytes")
                .isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(hex("ff" + "00".repeat(1199)))).as("1200 bytes of no kind").isEqualTo(Reason.TOO_LONG);
    }

    static Stream<Arguments> truncatedFrames() {
        return Stream.of(
                Arguments.of("PING cut inside the sequence", "01 000000"),
                Arguments.of("PONG without flags", "02 00000001"),
                Arguments.of("DATA cut inside the cursor", "03 0000"),
                Arguments.of("DATA without an entry count", "03 00000001"),
                Arguments.of("DATA with one entry announced, none present", "03 00000001 01"),
                Arguments.of("DATA cut inside the total", "03 00000001 00 00000001 01 0000"),
                Arguments.of("DATA without its offset", DATA_HEAD + "00000005"),
                Arguments.of("DATA cut inside its offset", DATA_HEAD + "00000005 00"),
                Arguments.of("ACK cut inside an entry", "04 00000001 01 00000002 0000"),
                Arguments.of("ACK with 64 entries announced, 63 present",
                        "04 00000001 40" + "00000002 0000 0001".repeat(63)),
                Arguments.of("SKIP cut inside the message id", "05 000000"),
                Arguments.of("SKIPPED without delivered", "06 00000001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedFrames")
    void shouldRejectAFrameCutInsideItsFieldsAsTruncated(String description, String frame) {
        assertThat(reasonOf(hex(frame))).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void shouldAcceptTheEdgesOfEveryRange() {
        assertThat(outcome(hex("04 00000001 40" + "00000002 0000 0001".repeat(64)))).as("64 entries").isNull();
        assertThat(outcome(hex("04 00000001 01 00000002 fbd1 042f"))).as("an entry of 1071 bytes at 64465")
                .isNull();
        assertThat(outcome(hex("04 00000001 01 00000002 ffff 0001"))).as("an entry of 1 byte at 65535").isNull();
        assertThat(outcome(hex("04 ffffffff 01 ffffffff 0000 0000"))).as("cursor and id 2^32 - 1").isNull();
        assertThat(outcome(hex(DATA_HEAD + "00010000 0000" + "78".repeat(1071)))).as("a full piece").isNull();
        assertThat(outcome(hex(DATA_HEAD + "00010000 ffff 61"))).as("the last byte of 64 KiB").isNull();
        assertThat(outcome(hex(DATA_HEAD + "00000001 0000 61"))).as("a message of 1 byte").isNull();
        assertThat(outcome(hex(DATA_HEAD + "00000000 0000"))).as("an empty message").isNull();
        assertThat(outcome(hex("01 ffffffff 01" + "00".repeat(1082)))).as("the largest PING").isNull();
        assertThat(outcome(hex("06 ffffffff 00"))).as("SKIPPED 2^32 - 1").isNull();
        assertThat(outcome(hex("05 80000000"))).as("SKIP 2^31").isNull();
    }
}
