package dev.p2pchat.protocol;

import static dev.p2pchat.protocol.GoldenVectors.ALICE_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.NONCE;
import static dev.p2pchat.protocol.GoldenVectors.RELAY_TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.SENDER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.hexWithChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
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

    /** The hex of the joined fragments followed by their CRC-32C: a whole peer-to-peer datagram, to carry. */
    private static String checksummed(String... fragments) {
        return HexFormat.of().formatHex(hexWithChecksum(fragments));
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
                    // A peer-to-peer body is tried twice: as it is, where the checksum nearly always fails, and
                    // followed by the right checksum, so that the body's own checks are swept too.
                    boolean peer = defined && Wire.hasChecksum(type);
                    for (byte[] candidate : peer ? List.of(datagram, GoldenVectors.withChecksum(datagram))
                            : List.of(datagram)) {
                        Reason reason = outcome(candidate);
                        if (reason == null) {
                            decodedTypes.add(MessageType.ofCode(type));
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
        // among them the peer messages whose all-zero body (with its checksum) is valid.
        assertThat(decodedTypes).contains(MessageType.OK, MessageType.PING, MessageType.PONG, MessageType.ACK,
                MessageType.GOODBYE);
        assertThat(reasons).containsKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.BAD_CHECKSUM, Reason.TRUNCATED,
                Reason.TRAILING_BYTES, Reason.BAD_FIELD);
    }

    /**
     * The same sweep inside RELAY and RELAYED: a carried datagram with a valid header of every defined type (and
     * some undefined ones) and bodies of every length, as they are and, for a peer-to-peer type, with the right
     * checksum. Only a carried peer-to-peer datagram ever decodes; a tracker type inside is always refused.
     */
    @Test
    void shouldReturnAMessageOrThrowProtocolExceptionForEveryCarriedTypeAndBodyLength() throws ProtocolException {
        Random random = new Random(0x5EED_0010);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Set<MessageType> carried = EnumSet.noneOf(MessageType.class);
        List<Integer> types = new ArrayList<>(List.of(0x00, 0x12, 0x3F, 0x47, 0xFF));
        for (MessageType type : MessageType.values()) {
            types.add(type.code());
        }
        for (byte[] head : List.of(hex("5032 01 10", RELAY_TOKEN, IDENTITY_KEY), hex("5032 01 11", SENDER_KEY))) {
            for (int type : types) {
                boolean defined = MessageType.ofCode(type) != null;
                boolean peer = defined && Wire.hasChecksum(type);
                // Up to one byte more than fits: the last lengths are TOO_LONG.
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
                        for (byte[] candidate : peer
                                ? List.of(datagram, GoldenVectors.withChecksumFrom(datagram, head.length))
                                : List.of(datagram)) {
                            Reason reason = outcome(candidate);
                            if (reason == null) {
                                Message message = MessageCodec.decode(candidate);
                                Message inner = message instanceof Relay relay ? relay.datagram()
                                        : ((Relayed) message).datagram();
                                carried.add(inner.type());
                            } else {
                                reasons.merge(reason, 1, Integer::sum);
                            }
                            // Plain checks: an assertion chain half a million times would dominate the run time.
                            if (candidate.length <= Wire.MAX_DATAGRAM_SIZE
                                    && defined == (reason == Reason.UNKNOWN_TYPE)) {
                                fail("carried type 0x%02x with a body of %d bytes rejected as %s", type, bodyLength,
                                        reason);
                            }
                            if (defined && !peer && reason == null) {
                                fail("carried tracker type 0x%02x with a body of %d bytes decoded", type, bodyLength);
                            }
                        }
                    }
                }
            }
        }
        assertThat(carried).contains(MessageType.PING, MessageType.PONG, MessageType.ACK, MessageType.GOODBYE)
                .allMatch(type -> Wire.hasChecksum(type.code()));
        assertThat(reasons).containsKeys(Reason.TOO_LONG, Reason.UNKNOWN_TYPE, Reason.BAD_CHECKSUM,
                Reason.TRUNCATED, Reason.TRAILING_BYTES, Reason.BAD_FIELD);
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

    static Stream<Vector> peerVectors() {
        return GoldenVectors.ALL.stream().filter(v -> Wire.hasChecksum(v.message().type().code()));
    }

    /** The vectors that end with a peer-to-peer datagram: one sent alone, or one a RELAY or RELAYED carries. */
    static Stream<Vector> checksummedVectors() {
        return GoldenVectors.ALL.stream().filter(v -> GoldenVectors.peerDatagramOffset(v.message()) >= 0);
    }

    static Stream<Vector> relayVectors() {
        return GoldenVectors.ALL.stream().filter(v -> GoldenVectors.peerDatagramOffset(v.message()) > 0);
    }

    /**
     * A tracker datagram cut short is {@code TRUNCATED}. A peer-to-peer datagram's last four bytes are its
     * checksum, so one cut short is {@code BAD_CHECKSUM}, unless fewer than four bytes follow the header: then
     * the trailer itself is missing, and that is {@code TRUNCATED}. A RELAY or RELAYED cut short is the same as
     * the datagram it carries cut short (its fields before it are {@code TRUNCATED}, as is a carried datagram of
     * fewer than four bytes, too short for a header of its own).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectEveryTruncation(Vector vector) {
        byte[] bytes = vector.bytes();
        int peerOffset = GoldenVectors.peerDatagramOffset(vector.message());
        for (int length = 0; length < bytes.length; length++) {
            Reason expected = length < Wire.HEADER_SIZE ? Reason.TOO_SHORT
                    : peerOffset >= 0 && length >= peerOffset + Wire.HEADER_SIZE + Wire.CHECKSUM_SIZE
                            ? Reason.BAD_CHECKSUM
                    : Reason.TRUNCATED;
            assertThat(reasonOf(Arrays.copyOf(bytes, length))).as("first %d bytes", length).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checksummedVectors")
    void shouldRejectEveryTruncatedBodyBehindAValidChecksumAsTruncated(Vector vector) {
        int peerOffset = GoldenVectors.peerDatagramOffset(vector.message());
        byte[] body = Arrays.copyOf(vector.bytes(), vector.bytes().length - Wire.CHECKSUM_SIZE);
        for (int length = peerOffset + Wire.HEADER_SIZE; length < body.length; length++) {
            byte[] cut = GoldenVectors.withChecksumFrom(Arrays.copyOf(body, length), peerOffset);
            assertThat(reasonOf(cut)).as("first %d bytes and a checksum", length).isEqualTo(Reason.TRUNCATED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checksummedVectors")
    void shouldRejectAPeerToPeerDatagramWithoutItsChecksum(Vector vector) {
        byte[] bytes = vector.bytes();
        byte[] withoutTrailer = Arrays.copyOf(bytes, bytes.length - Wire.CHECKSUM_SIZE);
        assertThat(reasonOf(withoutTrailer)).as("the body's last four bytes taken for the checksum")
                .isEqualTo(Reason.BAD_CHECKSUM);
        for (int missing = 1; missing < Wire.CHECKSUM_SIZE; missing++) {
            assertThat(reasonOf(Arrays.copyOf(bytes, bytes.length - missing))).as("%d bytes of the checksum missing",
                    missing).isEqualTo(Reason.BAD_CHECKSUM);
        }
    }

    @Test
    void shouldRejectAPeerToPeerHeaderWithoutRoomForTheChecksumAsTruncated() {
        for (int type = Wire.PEER_TYPES_FIRST; type <= MessageType.GOODBYE.code(); type++) {
            for (String after : new String[] {"", "00", "0000", "000000"}) {
                assertThat(reasonOf(hex(String.format("5032 01 %02x", type), after)))
                        .as("type 0x%02x and %d bytes", type, after.length() / 2).isEqualTo(Reason.TRUNCATED);
            }
        }
    }

    /**
     * Every bit of a peer-to-peer datagram after the header, the checksum's own included, is covered: one flip is
     * {@code BAD_CHECKSUM}. A flip in the header is caught before the checksum (magic, version, an undefined type)
     * or by it (another peer-to-peer type); one that makes the type a tracker type leaves a datagram without a
     * trailer, which fails to decode or decodes as a tracker message (a peer drops those unless they come from its
     * tracker). No flip anywhere yields a peer-to-peer message.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("peerVectors")
    void shouldRejectEveryFlippedBitOfAPeerToPeerDatagram(Vector vector) {
        byte[] original = vector.bytes();
        for (int bit = 0; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            if (bit >= Wire.HEADER_SIZE * 8) {
                assertThat(reasonOf(bytes)).as("bit %d", bit).isEqualTo(Reason.BAD_CHECKSUM);
                continue;
            }
            Message decoded;
            try {
                decoded = MessageCodec.decode(bytes);
            } catch (ProtocolException e) {
                continue;
            }
            assertThat(Wire.hasChecksum(decoded.type().code())).as("bit %d decoded as %s", bit, decoded).isFalse();
        }
    }

    /**
     * The relay passes the carried datagram on unchanged, and its checksum still guards it: one flipped bit after
     * the carried header is {@code BAD_CHECKSUM}, and one in the carried header is refused too (magic, version,
     * an undefined type, another peer-to-peer type by the checksum, a tracker type as such). A flip in the token or
     * the key leaves a valid RELAY or RELAYED carrying the same datagram: those carry any value.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldRejectEveryFlippedBitOfACarriedDatagram(Vector vector) throws ProtocolException {
        byte[] original = vector.bytes();
        int peerOffset = GoldenVectors.peerDatagramOffset(vector.message());
        Message.PeerDatagram datagram = vector.message() instanceof Relay relay ? relay.datagram()
                : ((Relayed) vector.message()).datagram();
        for (int bit = Wire.HEADER_SIZE * 8; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            if (bit < peerOffset * 8) {
                Message decoded = MessageCodec.decode(bytes);
                assertThat(decoded).as("bit %d", bit).isNotEqualTo(vector.message())
                        .isInstanceOf(vector.message().getClass());
                assertThat(decoded instanceof Relay relay ? relay.datagram() : ((Relayed) decoded).datagram())
                        .as("bit %d", bit).isEqualTo(datagram);
            } else if (bit < (peerOffset + Wire.HEADER_SIZE) * 8) {
                assertThat(outcome(bytes)).as("bit %d, in the carried header", bit).isNotNull();
            } else {
                assertThat(reasonOf(bytes)).as("bit %d", bit).isEqualTo(Reason.BAD_CHECKSUM);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldRejectATrailingByte(Vector vector) {
        int peerOffset = GoldenVectors.peerDatagramOffset(vector.message());
        boolean peer = peerOffset >= 0;
        for (int trailing : new int[] {0x00, 0x01, 0xFF}) {
            byte[] bytes = Arrays.copyOf(vector.bytes(), vector.bytes().length + 1);
            bytes[bytes.length - 1] = (byte) trailing;
            // After a peer-to-peer datagram's checksum (sent alone or carried by a relay), the extra byte moves the
            // trailer: the checksum fails.
            assertThat(reasonOf(bytes)).isEqualTo(peer ? Reason.BAD_CHECKSUM : Reason.TRAILING_BYTES);
            if (peer) {
                // Before a valid checksum, the extra byte is left over after the body's last field.
                byte[] body = Arrays.copyOf(vector.bytes(), vector.bytes().length - Wire.CHECKSUM_SIZE + 1);
                body[body.length - 1] = (byte) trailing;
                assertThat(reasonOf(GoldenVectors.withChecksumFrom(body, peerOffset)))
                        .isEqualTo(Reason.TRAILING_BYTES);
            }
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
        // The first code after RELAYED, with a valid RELAYED body: still the type alone decides.
        assertThat(reasonOf(hex("5032 01 12", SENDER_KEY, checksummed("5032 01 45", ALICE_SESSION, "0000000000000007",
                        "0002")))).as("tracker type 0x12 is reserved").isEqualTo(Reason.UNKNOWN_TYPE);
        for (int type = 0x12; type <= Wire.TRACKER_TYPES_LAST; type++) {
            assertThat(MessageType.ofCode(type)).as("type 0x%02x is reserved", type).isNull();
        }
        for (int type = Wire.TRACKER_TYPES_FIRST; type <= 0x11; type++) {
            assertThat(MessageType.ofCode(type)).as("type 0x%02x is defined", type).isNotNull();
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type)))).as("type 0x%02x without a body", type)
                    .isEqualTo(Reason.TRUNCATED);
        }
        // A valid GOODBYE body after the first undefined peer-to-peer codes: still the type alone decides.
        for (int type = 0x47; type <= Wire.PEER_TYPES_LAST; type++) {
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type), GoldenVectors.BOB_SESSION)))
                    .as("peer-to-peer type 0x%02x is reserved", type).isEqualTo(Reason.UNKNOWN_TYPE);
        }
        for (int type = Wire.PEER_TYPES_FIRST; type <= 0x46; type++) {
            assertThat(MessageType.ofCode(type)).as("type 0x%02x is defined", type).isNotNull();
            assertThat(reasonOf(hex(String.format("5032 01 %02x", type)))).as("type 0x%02x without a body", type)
                    .isEqualTo(Reason.TRUNCATED);
            assertThat(reasonOf(GoldenVectors.hexWithChecksum(String.format("5032 01 %02x", type))))
                    .as("type 0x%02x without a body but with its checksum", type).isEqualTo(Reason.TRUNCATED);
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

    /**
     * A relay carries at most {@code MAX_PEER_DATAGRAM_SIZE} = 1156 bytes, so a RELAY of a full DATA fragment fills a
     * datagram exactly; a byte more is too long, whether after the carried datagram or inside it.
     */
    @Test
    void shouldRejectARelayOfMoreThanOneDatagramAsTooLong() {
        String relay = "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY;
        String fullData = checksummed("5032 01 44", BOB_SESSION, "0000000000000007", "01 0000 0001 0465",
                "78".repeat(Wire.MAX_FRAGMENT_PAYLOAD));
        assertThat(hex(relay, fullData)).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(outcome(hex(relay, fullData))).isNull();
        assertThat(reasonOf(hex(relay, fullData, "00"))).isEqualTo(Reason.TOO_LONG);
        String longerData = checksummed("5032 01 44", BOB_SESSION, "0000000000000007", "01 0000 0001 0466",
                "78".repeat(Wire.MAX_FRAGMENT_PAYLOAD + 1));
        assertThat(reasonOf(hex(relay, longerData))).isEqualTo(Reason.TOO_LONG);
        // The same DATA is short enough for a RELAYED (8 bytes shorter), but its payload length is out of range.
        assertThat(reasonOf(hex("5032 01 11", SENDER_KEY, longerData))).isEqualTo(Reason.BAD_FIELD);
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
    void shouldRejectAFieldOutOfItsRangeAsBadField(String description, String datagram) {
        byte[] bytes = hex(datagram);
        // A peer-to-peer datagram gets its right checksum, so that the field is what fails.
        if (Wire.hasChecksum(bytes[Wire.TYPE_OFFSET] & 0xFF)) {
            bytes = GoldenVectors.withChecksum(bytes);
        }
        assertThat(reasonOf(bytes)).isEqualTo(Reason.BAD_FIELD);
    }

    /**
     * RELAY and RELAYED cut short in their own fields, and the ways the datagram they carry can be wrong. The carried
     * datagram is decoded as if it had come alone and keeps its reason, except that one of fewer than four bytes (too
     * short for a header of its own) is {@code TRUNCATED}, and one that decodes as a tracker message is
     * {@code BAD_FIELD}: a relay carries peer-to-peer datagrams only, never a RELAY in a RELAY.
     */
    static Stream<Arguments> badRelays() {
        String ping = "5032 01 42" + BOB_SESSION + "80000001" + "eb50a391";
        String pingBody = "5032 01 42" + BOB_SESSION + "80000001";
        String dataHead = "5032 01 44" + BOB_SESSION + "0000000000000007";
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("RELAY without a body", "5032 01 10", Reason.TRUNCATED),
                Arguments.of("RELAY cut inside the token", "5032 01 10 01020304", Reason.TRUNCATED),
                Arguments.of("RELAY cut after the token", "5032 01 10" + RELAY_TOKEN, Reason.TRUNCATED),
                Arguments.of("RELAY cut inside the target key",
                        "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY.substring(0, 62), Reason.TRUNCATED),
                Arguments.of("RELAYED without a body", "5032 01 11", Reason.TRUNCATED),
                Arguments.of("RELAYED cut inside the sender key", "5032 01 11" + SENDER_KEY.substring(0, 40),
                        Reason.TRUNCATED)));
        String[][] relays = {
            {"RELAY", "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY}, {"RELAYED", "5032 01 11" + SENDER_KEY}
        };
        for (String[] relay : relays) {
            String name = relay[0];
            String head = relay[1];
            cases.addAll(List.of(
                    Arguments.of(name + " carrying nothing", head, Reason.TRUNCATED),
                    Arguments.of(name + " carrying 1 byte", head + "50", Reason.TRUNCATED),
                    Arguments.of(name + " carrying 2 bytes", head + "5032", Reason.TRUNCATED),
                    Arguments.of(name + " carrying 3 bytes", head + "5032 01", Reason.TRUNCATED),
                    Arguments.of(name + " carrying a header alone", head + "5032 01 42", Reason.TRUNCATED),
                    Arguments.of(name + " carrying a header and 3 bytes", head + "5032 01 42 102030",
                            Reason.TRUNCATED),
                    Arguments.of(name + " carrying a PING with a bad checksum",
                            head + pingBody + "eb50a390", Reason.BAD_CHECKSUM),
                    Arguments.of(name + " carrying a PING without its checksum", head + pingBody,
                            Reason.BAD_CHECKSUM),
                    Arguments.of(name + " carrying a PING short of one byte",
                            head + ping.substring(0, ping.length() - 2), Reason.BAD_CHECKSUM),
                    Arguments.of(name + " carrying a PING and one more byte", head + ping + "00", Reason.BAD_CHECKSUM),
                    Arguments.of(name + " carrying a PING with a bad magic",
                            head + checksummed("5033 01 42", BOB_SESSION, "80000001"), Reason.BAD_MAGIC),
                    Arguments.of(name + " carrying four zero bytes", head + "00000000", Reason.BAD_MAGIC),
                    Arguments.of(name + " carrying a PING of version 2",
                            head + checksummed("5032 02 42", BOB_SESSION, "80000001"), Reason.BAD_VERSION),
                    Arguments.of(name + " carrying type 0x47",
                            head + checksummed("5032 01 47", BOB_SESSION), Reason.UNKNOWN_TYPE),
                    Arguments.of(name + " carrying type 0x12",
                            head + "5032 01 12" + SENDER_KEY + ping, Reason.UNKNOWN_TYPE),
                    Arguments.of(name + " carrying a PING cut inside its body, with a valid checksum",
                            head + checksummed("5032 01 42", BOB_SESSION, "8000"), Reason.TRUNCATED),
                    Arguments.of(name + " carrying a GOODBYE with a byte before its valid checksum",
                            head + checksummed("5032 01 46", BOB_SESSION, "00"), Reason.TRAILING_BYTES),
                    Arguments.of(name + " carrying a DATA of content kind 0",
                            head + checksummed(dataHead, "00 0000 0001 0000"), Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a DATA with 60 fragments",
                            head + checksummed(dataHead, "01 0000 003c 0000"), Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a DATA longer than its payload",
                            head + checksummed(dataHead, "01 0000 0001 0004 616263"), Reason.TRUNCATED),
                    Arguments.of(name + " carrying an OK", head + "5032 01 0e 0000000e", Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a COOKIE_REQUEST",
                            head + "5032 01 01 00000001 00000000000000000000000000000000", Reason.BAD_FIELD),
                    Arguments.of(name + " carrying an ERROR", head + "5032 01 0f 0a0b0c0d 02", Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a RELAY carrying a PING",
                            head + "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY + ping, Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a RELAYED carrying a PING",
                            head + "5032 01 11" + SENDER_KEY + ping, Reason.BAD_FIELD),
                    Arguments.of(name + " carrying a RELAY carrying an OK",
                            head + "5032 01 10" + RELAY_TOKEN + IDENTITY_KEY + "5032 01 0e 0000000e",
                            Reason.BAD_FIELD),
                    Arguments.of(name + " carrying an OK cut short", head + "5032 01 0e 0000", Reason.TRUNCATED),
                    Arguments.of(name + " carrying an OK and one more byte", head + "5032 01 0e 0000000e 00",
                            Reason.TRAILING_BYTES)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRelays")
    void shouldRejectABadRelayForWhatIsWrongWithIt(String description, String datagram, Reason expected) {
        assertThat(reasonOf(hex(datagram))).isEqualTo(expected);
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
        for (int length : new int[] {0, 1, Wire.MAX_FRAGMENT_PAYLOAD - 1}) {
            for (int fragment = 0; fragment < Wire.MAX_FRAGMENTS - 1; fragment++) {
                byte[] bytes = hexWithChecksum(data, String.format("%04x %04x %04x", fragment, Wire.MAX_FRAGMENTS,
                        length), "78".repeat(length));
                assertThat(reasonOf(bytes)).as("fragment %d of %d with %d bytes", fragment, Wire.MAX_FRAGMENTS,
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
