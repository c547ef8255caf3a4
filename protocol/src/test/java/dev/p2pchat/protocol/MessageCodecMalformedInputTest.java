package dev.p2pchat.protocol;

import static dev.p2pchat.protocol.GoldenVectors.ALICE_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.NONCE;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile datagrams: the decoder returns a message or throws {@link ProtocolException}, nothing else. */
@Timeout(120)
class MessageCodecMalformedInputTest {
    private static final int SWEEP_MAX_BODY = 1300;

    /** Decodes, failing the test on any throwable but {@link ProtocolException}; returns the reason or null. */
    private static Reason outcome(byte[] datagram) {
        try {
            Message message = MessageCodec.decode(datagram);
            assertThat(MessageCodec.encode(message))
                    .as("a decoded datagram re-encodes to itself: %s", HexFormat.of().formatHex(datagram))
                    .isEqualTo(datagram);
            return null;
        } catch (ProtocolException e) {
            assertThat(e.reason()).isNotNull();
            return e.reason();
        } catch (Throwable t) {
            return fail("decode threw " + t + " for " + HexFormat.of().formatHex(datagram), t);
        }
    }

    private static Reason reasonOf(byte[] datagram) {
        try {
            Message message = MessageCodec.decode(datagram);
            return fail("decoded " + message);
        } catch (ProtocolException e) {
            return e.reason();
        }
    }

    private static byte[] header(int type) {
        return new byte[] {0x50, 0x32, 0x01, (byte) type};
    }

    @Test
    void shouldReturnAMessageOrThrowProtocolExceptionForEveryTypeAndBodyLength() {
        Random random = new Random(0x5EED);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<MessageType> decodedTypes = EnumSet.noneOf(MessageType.class);
        for (int type = 0; type <= 0xFF; type++) {
            boolean defined = MessageType.ofCode(type) != null;
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
                        decodedTypes.add(MessageType.ofCode(type));
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
        // The sweep reached past the limits: every kind of rejection happened, and some bodies were valid,
        // among them the peer messages whose all-zero body is valid.
        assertThat(decodedTypes).contains(MessageType.OK, MessageType.PING, MessageType.PONG, MessageType.ACK,
                MessageType.GOODBYE);
        assertThat(reasons).containsKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.TRUNCATED,
                Reason.TRAILING_BYTES, Reason.BAD_FIELD);
    }

    @Test
    void shouldReturnAMessageOrThrowProtocolExceptionForEveryMutationOfEveryGoldenVector() {
        Random random = new Random(0xF022);
        int decoded = 0;
        for (Vector vector : GoldenVectors.ALL) {
            for (int i = 0; i < 2_000; i++) {
                if (outcome(mutate(vector.bytes(), random)) == null) {
                    decoded++;
                }
            }
        }
        // Flipping bytes inside keys, cookies and signatures keeps a datagram valid: the decoder saw those too.
        assertThat(decoded).isPositive();
    }

    /** One to four random edits: overwrite a byte, flip a bit, insert a byte, delete a byte, or cut the tail. */
    static byte[] mutate(byte[] input, Random random) {
        byte[] bytes = input;
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (bytes.length > 0) {
                        bytes[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    if (bytes.length > 0) {
                        bytes[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case 3 -> {
                    if (bytes.length > 0) {
                        byte[] shorter = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                        bytes = shorter;
                    }
                }
                default -> bytes = Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    static Stream<Vector> vectors() {
        return GoldenVectors.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryTruncationAsTruncatedOrTooShort(Vector vector) {
        byte[] bytes = vector.bytes();
        for (int length = 0; length < bytes.length; length++) {
            Reason expected = length < Wire.HEADER_SIZE ? Reason.TOO_SHORT : Reason.TRUNCATED;
            assertThat(reasonOf(Arrays.copyOf(bytes, length))).as("first %d bytes", length).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectATrailingByte(Vector vector) {
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            assertThat(reasonOf(bytes)).isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectABadMagic(Vector vector) {
        for (int offset = 0; offset < 2; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bytes = vector.bytes();
                bytes[offset] ^= (byte) (1 << bit);
                assertThat(reasonOf(bytes)).isEqualTo(Reason.BAD_MAGIC);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryVersionButOne(Vector vector) {
        for (int version = 0; version <= 0xFF; version++) {
            if (version != Wire.VERSION) {
                byte[] bytes = vector.bytes();
                bytes[Wire.VERSION_OFFSET] = (byte) version;
                assertThat(reasonOf(bytes)).as("version %d", version).isEqualTo(Reason.BAD_VERSION);
            }
        }
    }

    @Test
    void shouldRejectEveryTypeCodeThatVersionOneDoesNotDefine() {
        for (int type = 0; type <= 0xFF; type++) {
            if (MessageType.ofCode(type) == null) {
                // The body is a valid OK body: the type alone decides.
                byte[] bytes = hex(String.format("5032 01 %02x", type), "0000000e");
                assertThat(reasonOf(bytes)).as("type 0x%02x", type).isEqualTo(Reason.UNKNOWN_TYPE);
            }
        }
        assertThat(reasonOf(hex("5032 01 00"))).isEqualTo(Reason.UNKNOWN_TYPE);
        // A valid GOODBYE body after the first undefined peer-to-peer codes: still the type alone decides.
        for (int type = 0x47; type <= Wire.PEER_TYPES_LAST; type++) {
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type), GoldenVectors.BOB_SESSION)))
                    .as("peer-to-peer type 0x%02x is reserved", type).isEqualTo(Reason.UNKNOWN_TYPE);
        }
        for (int type = Wire.PEER_TYPES_FIRST; type <= 0x46; type++) {
            assertThat(MessageType.ofCode(type)).as("type 0x%02x is defined", type).isNotNull();
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type)))).as("type 0x%02x without a body", type)
                    .isEqualTo(Reason.TRUNCATED);
        }
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
        byte[] bytes = Arrays.copyOf(header(0x0B), Wire.MAX_DATAGRAM_SIZE + 1);
        assertThat(reasonOf(bytes)).isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(new byte[65_507])).isEqualTo(Reason.TOO_LONG);
    }

    static Stream<Arguments> badFields() {
        String cookieRequest = "5032 01 01 00000001";
        String keepalive = "5032 01 05 00000001" + COOKIE + TOKEN;
        String registerHead = "5032 01 03 00000001" + COOKIE + "05 616c696365" + IDENTITY_KEY + IDENTITY_KEY
                + "00000000";
        String registeredHead = "5032 01 04 00000001" + TOKEN + "0000005a 000061a8";
        String listPageHead = "5032 01 0b 00000001 00000000 00000000";
        String helloHead = "5032 01 40" + ALICE_SESSION + NONCE;
        String dataHead = "5032 01 44" + BOB_SESSION + "0000000000000007";
        String ackHead = "5032 01 45" + ALICE_SESSION + "0000000000000007";
        return Stream.of(
                Arguments.of("non-zero cookie request padding", cookieRequest + "00000000000000000000000000000001"),
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
                        registerHead + "05" + "04 c0a8010a a028".repeat(5) + SIGNATURE),
                Arguments.of("255 private addresses, nothing after", registerHead + "ff"),
                Arguments.of("address family 0", registeredHead + "00 cb007107 9c40" + COOKIE),
                Arguments.of("address family 5", registeredHead + "05 cb007107 9c40" + COOKIE),
                Arguments.of("address family 46", registeredHead + "2e cb007107 9c40" + COOKIE),
                Arguments.of("IPv4 port 0", registeredHead + "04 cb007107 0000" + COOKIE),
                Arguments.of("IPv6 port 0", registeredHead + "06 20010db8000000000000000000000001 0000" + COOKIE),
                Arguments.of("list count 35, entries missing", listPageHead + "23"),
                Arguments.of("list count 255", listPageHead + "ff" + ("01 61" + IDENTITY_KEY).repeat(34)),
                Arguments.of("list entry name of length 0", listPageHead + "01 00" + IDENTITY_KEY),
                Arguments.of("HELLO name of length 0",
                        helloHead + "00" + IDENTITY_KEY + IDENTITY_KEY + "00000000" + SIGNATURE),
                Arguments.of("HELLO_ACK name of length 33",
                        "5032 01 41" + BOB_SESSION + NONCE + "21" + "61".repeat(33) + IDENTITY_KEY + IDENTITY_KEY
                                + "00000000" + SIGNATURE),
                Arguments.of("DATA with fragments = 0", dataHead + "01 0000 0000 0000"),
                Arguments.of("DATA with 57 fragments", dataHead + "01 0000 0039 0000"),
                Arguments.of("DATA with 65535 fragments", dataHead + "01 0000 ffff 0000"),
                Arguments.of("DATA fragment 3 of 3", dataHead + "01 0003 0003 0000"),
                Arguments.of("DATA fragment 56 of 56", dataHead + "01 0038 0038 0000"),
                Arguments.of("DATA fragment 65535 of 1", dataHead + "01 ffff 0001 0000"),
                Arguments.of("DATA payload length 1174, nothing after", dataHead + "01 0000 0001 0496"),
                Arguments.of("DATA payload length 1174 of 1173 bytes present",
                        dataHead + "01 0000 0001 0496" + "78".repeat(1173)),
                Arguments.of("DATA payload length 65535", dataHead + "01 0000 0001 ffff"),
                Arguments.of("DATA content kind 0", dataHead + "00 0000 0001 0000"),
                Arguments.of("DATA content kind 8", dataHead + "08 0000 0001 0000"),
                Arguments.of("DATA content kind 255", dataHead + "ff 0000 0001 0000"),
                Arguments.of("ACK fragment 56", ackHead + "0038"),
                Arguments.of("ACK fragment 65535", ackHead + "ffff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectAFieldOutOfItsRangeAsBadField(String description, String datagram) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(Reason.BAD_FIELD);
    }

    @Test
    void shouldRejectADataPayloadLongerThanTheBytesPresentAsTruncated() {
        String head = "5032 01 44" + BOB_SESSION + "0000000000000007" + "01 0000 0001";
        assertThat(reasonOf(hex(head, "0004", "616263"))).isEqualTo(Reason.TRUNCATED);
        assertThat(reasonOf(hex(head, "0001"))).isEqualTo(Reason.TRUNCATED);
        // The longest allowed payload, one byte short: 1199 bytes in all.
        assertThat(reasonOf(hex(head, "0495", "78".repeat(1172)))).isEqualTo(Reason.TRUNCATED);
        // A payload length shorter than the bytes present leaves trailing bytes.
        assertThat(reasonOf(hex(head, "0002", "616263"))).isEqualTo(Reason.TRAILING_BYTES);
    }

    @Test
    void shouldRejectBytesAfterAGoodbye() {
        assertThat(reasonOf(hex("5032 01 46", BOB_SESSION, "00"))).isEqualTo(Reason.TRAILING_BYTES);
        assertThat(reasonOf(hex("5032 01 46", BOB_SESSION, "00000000"))).as("a PING's sequence after a GOODBYE")
                .isEqualTo(Reason.TRAILING_BYTES);
        assertThat(reasonOf(hex("5032 01 46", BOB_SESSION, BOB_SESSION))).isEqualTo(Reason.TRAILING_BYTES);
    }

    @Test
    void shouldAcceptTheEdgesOfTheFragmentRanges() {
        String data = "5032 01 44" + BOB_SESSION + "0000000000000007" + "07";
        assertThat(outcome(hex(data, "0000 0001 0000"))).as("fragment 0 of 1").isNull();
        assertThat(outcome(hex(data, "0037 0038 0000"))).as("fragment 55 of 56").isNull();
        assertThat(outcome(hex("5032 01 45", ALICE_SESSION, "0000000000000007", "0037"))).as("ACK fragment 55")
                .isNull();
    }

    @Test
    void shouldNotTurnAValidFixedFieldIntoAnError() {
        // Bytes of keys, cookies, tokens and signatures carry any value: flipping them still decodes.
        byte[] bytes = GoldenVectors.named("REGISTER without private addresses").bytes();
        for (int i = 8; i < 24; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
        assertThat(outcome(bytes)).isNull();
    }

    @Test
    void shouldCarryNoStackTraceInAProtocolException() {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[1]))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT);
                    assertThat(e.getMessage()).startsWith("TOO_SHORT");
                });
    }
}
