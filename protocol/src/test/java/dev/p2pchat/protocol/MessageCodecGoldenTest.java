package dev.p2pchat.protocol;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.ErrorReply;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Message.Lookup;
import dev.p2pchat.protocol.Message.LookupResult;
import dev.p2pchat.protocol.Message.Ping;
import dev.p2pchat.protocol.Message.Pong;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec against byte vectors written by hand from PROTOCOL.md, in both directions. */
@Timeout(10)
class MessageCodecGoldenTest {
    private static final String FUZZ_INPUTS =
            "MessageCodecFuzzTestInputs/shouldDecodeCanonicallyOrRejectWithProtocolException/";

    static Stream<Vector> vectors() {
        return GoldenVectors.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachMessageToItsGoldenBytes(Vector vector) {
        assertThat(MessageCodec.encode(vector.message())).isEqualTo(vector.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsMessage(Vector vector) throws ProtocolException {
        assertThat(MessageCodec.decode(vector.bytes())).isEqualTo(vector.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeAtTheBufferPositionAndDecodeOnlyTheRemainingBytes(Vector vector) throws ProtocolException {
        ByteBuffer out = ByteBuffer.allocate(3 + Wire.MAX_DATAGRAM_SIZE);
        out.put(new byte[] {9, 9, 9});
        MessageCodec.encode(vector.message(), out);
        assertThat(out.position()).isEqualTo(3 + vector.bytes().length);

        out.flip().position(3);
        assertThat(MessageCodec.decode(out)).isEqualTo(vector.message());
        assertThat(out.hasRemaining()).isFalse();
    }

    @Test
    void shouldHaveAGoldenVectorForEveryMessageType() {
        Set<MessageType> covered = GoldenVectors.ALL.stream()
                .map(v -> v.message().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
        assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void shouldPutTheTypeCodeOfEachMessageInByteThree() {
        for (Vector vector : GoldenVectors.ALL) {
            assertThat(vector.bytes()[Wire.TYPE_OFFSET] & 0xFF)
                    .as(vector.name())
                    .isEqualTo(vector.message().type().code());
        }
    }

    @Test
    void shouldNumberTrackerTypesFromOneAndPeerTypesFrom0x40() {
        for (MessageType type : MessageType.values()) {
            int expected = type.compareTo(MessageType.HELLO) < 0
                    ? Wire.TRACKER_TYPES_FIRST + type.ordinal()
                    : Wire.PEER_TYPES_FIRST + type.ordinal() - MessageType.HELLO.ordinal();
            assertThat(type.code()).as(type.name()).isEqualTo(expected);
            assertThat(MessageType.ofCode(type.code())).isSameAs(type);
        }
        assertThat(MessageType.ERROR.code()).isEqualTo(0x0F);
        assertThat(MessageType.RELAY.code()).isEqualTo(0x10);
        assertThat(MessageType.RELAYED.code()).isEqualTo(0x11);
        assertThat(MessageType.GOODBYE.code()).isEqualTo(0x46);
        assertThat(MessageType.ofCode(0x00)).isNull();
        for (int code = 0x12; code <= 0x3F; code++) {
            assertThat(MessageType.ofCode(code)).as("tracker code 0x%02x is reserved", code).isNull();
        }
        for (int code = 0x47; code <= 0xFF; code++) {
            assertThat(MessageType.ofCode(code)).as("code 0x%02x is reserved", code).isNull();
        }
    }

    @Test
    void shouldKeepTheExamplesOfProtocolMdByteForByte() throws ProtocolException {
        // The example dumps at the end of PROTOCOL.md.
        assertThat(MessageCodec.decode(hex("50 32 01 01  01 02 03 04  00000000000000000000000000000000")))
                .isEqualTo(GoldenVectors.named("COOKIE_REQUEST").message());
        assertThat(MessageCodec.decode(hex("50 32 01 0F  0A 0B 0C 0D  02")))
                .isEqualTo(GoldenVectors.named("ERROR").message());
        assertThat(MessageCodec.decode(hex(
                        "50 32 01 07  00 00 00 07  C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "00 00 00 00 00 00 00 00  00  03 62 6F 62")))
                .isEqualTo(GoldenVectors.named("LOOKUP with an empty requester").message());
        assertThat(MessageCodec.decode(hex("50 32 01 42  10 20 30 40 50 60 70 80  80 00 00 01  EB 50 A3 91")))
                .isEqualTo(GoldenVectors.named("PING").message());
        assertThat(MessageCodec.decode(hex(
                        "50 32 01 44  10 20 30 40 50 60 70 80  00 00 00 00 00 00 00 07  01  00 02  00 03  00 09",
                        "6F 2C 20 77 6F 72 6C 64 21  F5 79 FE F4")))
                .isEqualTo(GoldenVectors.named("DATA that is the last fragment of a message").message());
        assertThat(MessageCodec.decode(hex(
                        "50 32 01 45  88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 07  00 02  B0 90 53 A5")))
                .isEqualTo(GoldenVectors.named("ACK").message());
        assertThat(MessageCodec.decode(hex(
                        "50 32 01 10  01 02 03 04 05 06 07 08",
                        "A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "50 32 01 42  10 20 30 40 50 60 70 80  80 00 00 01  EB 50 A3 91")))
                .isEqualTo(GoldenVectors.named("RELAY carrying a PING").message());
        assertThat(MessageCodec.decode(hex(
                        "50 32 01 11",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "50 32 01 45  88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 07  00 02  B0 90 53 A5")))
                .isEqualTo(GoldenVectors.named("RELAYED carrying an ACK").message());
    }

    @Test
    void shouldPadTheCookieRequestToTheSizeOfTheChallenge() {
        assertThat(GoldenVectors.named("COOKIE_REQUEST").bytes())
                .hasSize(24)
                .hasSameSizeAs(GoldenVectors.named("COOKIE_CHALLENGE").bytes());
    }

    @Test
    void shouldDecodeAnEmptyRequesterAsAnAnonymousLookup() throws ProtocolException {
        Lookup lookup = (Lookup) MessageCodec.decode(GoldenVectors.named("LOOKUP with an empty requester").bytes());
        assertThat(lookup.requester()).isEmpty();
        assertThat(lookup.token()).isZero();
    }

    @Test
    void shouldKeepAnIpv4MappedAddressSentAsFamilySixAsIpv6() throws ProtocolException {
        LookupResult result = (LookupResult) MessageCodec.decode(
                GoldenVectors.named("LOOKUP_RESULT with IPv4 observed and three private addresses").bytes());
        assertThat(result.peer().privateAddresses().get(2).getAddress()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void shouldDecodeEveryErrorCodeOfTheTable() throws ProtocolException {
        for (ErrorCode code : ErrorCode.values()) {
            byte[] datagram = hex("5032 01 0f", "00000001", String.format("%02x", code.code()));
            assertThat(MessageCodec.decode(datagram)).isEqualTo(new ErrorReply(1, code));
            assertThat(MessageCodec.encode(new ErrorReply(1, code))).isEqualTo(datagram);
        }
        assertThat(ErrorCode.values()).extracting(ErrorCode::code).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void shouldRejectAnErrorCodeOutsideTheTable() {
        for (int code : new int[] {0x00, 0x09, 0x7F, 0xFF}) {
            assertThatThrownBy(() -> MessageCodec.decode(hex("5032 01 0f", "00000001", String.format("%02x", code))))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.BAD_FIELD));
        }
    }

    @Test
    void shouldEncodeAListPageOfExactlyOneDatagram() throws ProtocolException {
        // 33 entries with one-byte names and one with a 28-byte name: 17 + 33 * 34 + 61 = 1200 bytes.
        StringBuilder wire = new StringBuilder("5032 01 0b" + "00000001" + "00000022" + "00000022" + "22");
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            char c = (char) ('a' + i % 26);
            wire.append(String.format("01%02x", (int) c)).append(GoldenVectors.IDENTITY_KEY);
            entries.add(new ListPage.Entry(String.valueOf(c), GoldenVectors.octets(GoldenVectors.IDENTITY_KEY)));
        }
        wire.append("1c").append("78".repeat(28)).append(GoldenVectors.ZERO_KEY);
        entries.add(new ListPage.Entry("x".repeat(28), GoldenVectors.octets(GoldenVectors.ZERO_KEY)));
        ListPage page = new ListPage(1, 34, 34, entries);
        byte[] bytes = hex(wire.toString());

        assertThat(bytes).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(MessageCodec.encode(page)).isEqualTo(bytes);
        assertThat(MessageCodec.decode(bytes)).isEqualTo(page);
    }

    @Test
    void shouldNotBuildAListPageLargerThanOneDatagram() {
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            entries.add(new ListPage.Entry("a", GoldenVectors.octets(GoldenVectors.IDENTITY_KEY)));
        }
        entries.add(new ListPage.Entry("x".repeat(29), GoldenVectors.octets(GoldenVectors.ZERO_KEY)));
        assertThatThrownBy(() -> new ListPage(1, 0, 34, entries)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCoverEveryByteBeforeTheSignatureWithSignedBytes() {
        int signedVectors = 0;
        for (Vector vector : GoldenVectors.ALL) {
            if (vector.message() instanceof Message.Signed signed) {
                byte[] bytes = vector.bytes();
                byte[] covered = MessageCodec.signedBytes(signed);
                // The tracker's signed requests end with the signature; HELLO and HELLO_ACK with the checksum after it.
                int trailer = Wire.hasChecksum(signed.type().code()) ? Wire.CHECKSUM_SIZE : 0;
                assertThat(covered).as(vector.name()).hasSize(bytes.length - Wire.SIGNATURE_SIZE - trailer);
                assertThat(bytes).as(vector.name()).startsWith(covered);
                assertThat(Arrays.copyOfRange(bytes, covered.length, covered.length + Wire.SIGNATURE_SIZE))
                        .as("%s: the signature follows the covered bytes", vector.name())
                        .isEqualTo(signed.signature().toByteArray());
                assertThat(covered).as("header included").startsWith(0x50, 0x32, 0x01);
                signedVectors++;
            }
        }
        assertThat(signedVectors).as("REGISTER twice, RENAME, UNREGISTER, HELLO, HELLO_ACK").isEqualTo(6);
    }

    @Test
    void shouldEndEveryPeerToPeerVectorAndNoTrackerVectorWithTheChecksumOfTheBytesBeforeIt() {
        for (Vector vector : GoldenVectors.ALL) {
            byte[] bytes = vector.bytes();
            boolean peer = vector.message().type().code() >= MessageType.HELLO.code();
            assertThat(Wire.hasChecksum(vector.message().type().code())).as(vector.name()).isEqualTo(peer);
            if (peer) {
                assertThat(GoldenVectors.withChecksum(Arrays.copyOf(bytes, bytes.length - Wire.CHECKSUM_SIZE)))
                        .as(vector.name()).isEqualTo(bytes);
            }
        }
    }

    /**
     * A RELAY or RELAYED ends with the peer-to-peer datagram it carries exactly as that datagram travels alone: the
     * last four bytes are the carried datagram's checksum, over its own bytes only, never over the relay's fields.
     */
    @Test
    void shouldCarryAPeerToPeerVectorUnchangedInEveryRelayVector() {
        int relayVectors = 0;
        for (Vector vector : GoldenVectors.ALL) {
            int offset = GoldenVectors.peerDatagramOffset(vector.message());
            if (offset <= 0) {
                continue;
            }
            Message.PeerDatagram carried = vector.message() instanceof Relay relay ? relay.datagram()
                    : ((Relayed) vector.message()).datagram();
            Vector alone = GoldenVectors.ALL.stream().filter(v -> v.message().equals(carried)).findFirst()
                    .orElseThrow(() -> new AssertionError(vector.name() + " carries no golden vector's message"));
            byte[] bytes = vector.bytes();
            assertThat(Arrays.copyOfRange(bytes, offset, bytes.length)).as(vector.name()).isEqualTo(alone.bytes());
            assertThat(GoldenVectors.withChecksumFrom(Arrays.copyOf(bytes, bytes.length - Wire.CHECKSUM_SIZE), offset))
                    .as("%s: the trailer covers the carried datagram only", vector.name()).isEqualTo(bytes);
            assertThat(GoldenVectors.withChecksum(Arrays.copyOf(bytes, bytes.length - Wire.CHECKSUM_SIZE)))
                    .as("%s: no checksum over the whole", vector.name()).isNotEqualTo(bytes);
            relayVectors++;
        }
        assertThat(relayVectors).as("a RELAY and two RELAYED").isEqualTo(3);
    }

    @Test
    void shouldCarryEveryPeerToPeerVectorInARelayAndARelayed() throws ProtocolException {
        int carried = 0;
        for (Vector vector : GoldenVectors.ALL) {
            if (vector.message() instanceof Message.PeerDatagram datagram) {
                byte[] relayBytes = hex("5032 01 10", GoldenVectors.RELAY_TOKEN, GoldenVectors.IDENTITY_KEY,
                        HexFormat.of().formatHex(vector.bytes()));
                Relay relay = new Relay(0x0102030405060708L, GoldenVectors.octets(GoldenVectors.IDENTITY_KEY),
                        datagram);
                assertThat(MessageCodec.decode(relayBytes)).as(vector.name()).isEqualTo(relay);
                assertThat(MessageCodec.encode(relay)).as(vector.name()).isEqualTo(relayBytes);

                byte[] relayedBytes = hex("5032 01 11", GoldenVectors.SENDER_KEY,
                        HexFormat.of().formatHex(vector.bytes()));
                Relayed relayed = new Relayed(GoldenVectors.octets(GoldenVectors.SENDER_KEY), datagram);
                assertThat(MessageCodec.decode(relayedBytes)).as(vector.name()).isEqualTo(relayed);
                assertThat(MessageCodec.encode(relayed)).as(vector.name()).isEqualTo(relayedBytes);
                carried++;
            }
        }
        assertThat(carried).as("HELLO, HELLO_ACK, PING, PONG, three DATA, ACK, GOODBYE").isEqualTo(9);
    }

    @Test
    void shouldMakeARelayedDatagramEightBytesShorterThanTheRelayItPassesOn() {
        Relay relay = (Relay) GoldenVectors.named("RELAY carrying a PING").message();
        Relayed relayed = new Relayed(GoldenVectors.octets(GoldenVectors.SENDER_KEY), relay.datagram());
        assertThat(MessageCodec.encode(relayed))
                .hasSize(GoldenVectors.named("RELAY carrying a PING").bytes().length - 8)
                .endsWith(GoldenVectors.named("PING").bytes());
        assertThat(Wire.RELAY_FIXED_SIZE - Wire.RELAYED_FIXED_SIZE).isEqualTo(Wire.TOKEN_SIZE);
    }

    @Test
    void shouldNameTheKeyOfTheRelayedHelloAsItsSender() {
        // The receiver of a relayed HELLO or HELLO_ACK drops it unless the two keys are the same: the example obeys.
        Relayed relayed = (Relayed) GoldenVectors.named("RELAYED carrying a HELLO").message();
        assertThat(relayed.datagram()).isInstanceOf(Hello.class);
        assertThat(((Hello) relayed.datagram()).identityKey()).isEqualTo(relayed.sender());
    }

    @Test
    void shouldEchoTheNonceOfTheHelloInTheHelloAckThatAnswersIt() {
        Hello hello = (Hello) GoldenVectors.named("HELLO").message();
        HelloAck ack = (HelloAck) GoldenVectors.named("HELLO_ACK").message();
        assertThat(ack.nonce()).isEqualTo(hello.nonce());
        // Same layout, only the type byte tells them apart: bytes 12..19 are the nonce in both.
        assertThat(Arrays.copyOfRange(GoldenVectors.named("HELLO_ACK").bytes(), 12, 20))
                .isEqualTo(Arrays.copyOfRange(GoldenVectors.named("HELLO").bytes(), 12, 20))
                .isEqualTo(hex(GoldenVectors.NONCE));
        // Each side addresses the other by the session id the other chose.
        assertThat(((Ping) GoldenVectors.named("PING").message()).session()).isEqualTo(ack.session());
        assertThat(((Pong) GoldenVectors.named("PONG").message()).session()).isEqualTo(hello.session());
    }

    @Test
    void shouldDecodeEveryContentKindOfTheTable() throws ProtocolException {
        for (ContentKind kind : ContentKind.values()) {
            byte[] datagram = GoldenVectors.hexWithChecksum("5032 01 44", GoldenVectors.BOB_SESSION,
                    "0000000000000001", String.format("%02x", kind.code()), "0000 0001 0000");
            Data data = new Data(0x1020304050607080L, 1, kind, 0, 1, Octets.zeros(0));
            assertThat(MessageCodec.decode(datagram)).isEqualTo(data);
            assertThat(MessageCodec.encode(data)).isEqualTo(datagram);
        }
        assertThat(ContentKind.values()).extracting(ContentKind::code).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(ContentKind.ofCode(0)).isNull();
        assertThat(ContentKind.ofCode(8)).isNull();
    }

    @Test
    void shouldKeepTheLimitsOfProtocolMd() {
        assertThat(Wire.MAX_MESSAGE_SIZE).isEqualTo(65_536);
        assertThat(Wire.CHECKSUM_SIZE).isEqualTo(4);
        assertThat(Wire.DATA_PAYLOAD_OFFSET).isEqualTo(27);
        assertThat(Wire.DATA_FIXED_SIZE).isEqualTo(31);
        assertThat(Wire.RELAY_FIXED_SIZE).isEqualTo(44);
        assertThat(Wire.RELAYED_FIXED_SIZE).isEqualTo(36);
        assertThat(Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(1156);
        assertThat(Wire.MAX_FRAGMENT_PAYLOAD).isEqualTo(1125);
        assertThat(Wire.MAX_FRAGMENTS).isEqualTo(59);
        // 59 fragments carry 64 KiB (59 x 1125 = 66,375); 58 would not (65,250).
        assertThat(Wire.MAX_FRAGMENTS * Wire.MAX_FRAGMENT_PAYLOAD).isGreaterThanOrEqualTo(Wire.MAX_MESSAGE_SIZE);
        assertThat((Wire.MAX_FRAGMENTS - 1) * Wire.MAX_FRAGMENT_PAYLOAD).isLessThan(Wire.MAX_MESSAGE_SIZE);
    }

    /**
     * The 59th and last fragment with a full payload: 27 + 1125 + 4 (checksum) = 1156 bytes. Its checksum was
     * computed apart from the JDK and the codec (a bitwise CRC-32C, reflected polynomial 0x82F63B78) and is kept
     * literal.
     */
    private static final String LARGEST_DATA_HEX = "5032 01 44" + GoldenVectors.BOB_SESSION + "ffffffffffffffff" + "02"
            + "003a" + "003b" + "0465" + "78".repeat(1125) + "3ee6843c";
    private static final Data LARGEST_DATA = new Data(0x1020304050607080L, -1L, ContentKind.BROADCAST, 58, 59,
            Octets.of("x".repeat(1125).getBytes(StandardCharsets.US_ASCII)));

    @Test
    void shouldEncodeTheLargestDataFragmentAsExactlyTheLargestPeerToPeerDatagram() throws ProtocolException {
        byte[] bytes = hex(LARGEST_DATA_HEX);

        assertThat(bytes).hasSize(Wire.MAX_PEER_DATAGRAM_SIZE);
        assertThat(MessageCodec.encode(LARGEST_DATA)).isEqualTo(bytes);
        assertThat(MessageCodec.decode(bytes)).isEqualTo(LARGEST_DATA);
    }

    @Test
    void shouldEncodeARelayOfTheLargestDataFragmentAsExactlyOneDatagram() throws ProtocolException {
        // 44 + 1156 = 1200 bytes: any peer-to-peer datagram fits a RELAY, and the RELAYED passing it on is 1192.
        byte[] relayBytes = hex("5032 01 10", GoldenVectors.RELAY_TOKEN, GoldenVectors.IDENTITY_KEY, LARGEST_DATA_HEX);
        Relay relay = new Relay(0x0102030405060708L, GoldenVectors.octets(GoldenVectors.IDENTITY_KEY), LARGEST_DATA);
        byte[] relayedBytes = hex("5032 01 11", GoldenVectors.SENDER_KEY, LARGEST_DATA_HEX);
        Relayed relayed = new Relayed(GoldenVectors.octets(GoldenVectors.SENDER_KEY), LARGEST_DATA);

        assertThat(relayBytes).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(MessageCodec.encode(relay)).isEqualTo(relayBytes);
        assertThat(MessageCodec.decode(relayBytes)).isEqualTo(relay);
        assertThat(relayedBytes).hasSize(Wire.MAX_DATAGRAM_SIZE - 8);
        assertThat(MessageCodec.encode(relayed)).isEqualTo(relayedBytes);
        assertThat(MessageCodec.decode(relayedBytes)).isEqualTo(relayed);
    }

    @Test
    void shouldKeepEveryGoldenVectorAsAFuzzSeed() throws IOException {
        // The Jazzer regression inputs start from the golden vectors, under "golden-" and the vector's name.
        for (Vector vector : GoldenVectors.ALL) {
            String file = "golden-" + vector.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
            try (InputStream seed = getClass().getResourceAsStream(FUZZ_INPUTS + file)) {
                assertThat(seed).as("seed %s", file).isNotNull();
                assertThat(seed.readAllBytes()).as("seed %s", file).isEqualTo(vector.bytes());
            }
        }
    }
}
