package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.RELAY_TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.SENDER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.ZERO_KEY;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static dev.p2pchat.protocol.GoldenVectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tracker codec against byte vectors written by hand from PROTOCOL.md, in both directions. */
@Timeout(10)
class TrackerCodecGoldenTest {
    private static final String FUZZ_INPUTS = "TrackerCodecFuzzTestInputs/" + GoldenVectors.FUZZ_METHOD + "/";

    static Stream<Vector<TrackerMessage>> vectors() {
        return TrackerGoldenVectors.ALL.stream();
    }

    static Stream<Vector<TrackerMessage>> relayVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> TrackerGoldenVectors.payloadOffset(v.message()) > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachMessageToItsGoldenBytes(Vector<TrackerMessage> vector) {
        assertThat(TrackerCodec.encode(vector.message())).isEqualTo(vector.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsMessage(Vector<TrackerMessage> vector) throws ProtocolException {
        assertThat(TrackerCodec.decode(vector.bytes())).isEqualTo(vector.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeAtTheBufferPositionAndDecodeOnlyTheRemainingBytes(Vector<TrackerMessage> vector)
            throws ProtocolException {
        ByteBuffer out = ByteBuffer.allocate(3 + Wire.MAX_DATAGRAM_SIZE);
        out.put(new byte[] {9, 9, 9});
        TrackerCodec.encode(vector.message(), out);
        assertThat(out.position()).isEqualTo(3 + vector.bytes().length);

        out.flip().position(3);
        assertThat(TrackerCodec.decode(out)).isEqualTo(vector.message());
        assertThat(out.hasRemaining()).isFalse();
    }

    @Test
    void shouldHaveAGoldenVectorForEveryMessageType() {
        Set<TrackerMessageType> covered = TrackerGoldenVectors.ALL.stream()
                .map(v -> v.message().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(TrackerMessageType.class)));
        assertThat(covered).containsExactlyInAnyOrder(TrackerMessageType.values());
    }

    @Test
    void shouldPutTheTypeCodeOfEachMessageInByteThree() {
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            assertThat(vector.bytes()[Wire.TYPE_OFFSET] & 0xFF)
                    .as(vector.name())
                    .isEqualTo(vector.message().type().code());
        }
    }

    @Test
    void shouldNumberTrackerTypesFromOneAndLeaveThePeerRangeUndefined() {
        for (TrackerMessageType type : TrackerMessageType.values()) {
            assertThat(type.code()).as(type.name()).isEqualTo(Wire.TRACKER_TYPES_FIRST + type.ordinal());
            assertThat(TrackerMessageType.ofCode(type.code())).isSameAs(type);
            assertThat(Wire.isPeerFrame(type.code())).as(type.name()).isFalse();
        }
        assertThat(TrackerMessageType.ERROR.code()).isEqualTo(0x0F);
        assertThat(TrackerMessageType.RELAY.code()).isEqualTo(0x10);
        assertThat(TrackerMessageType.RELAYED.code()).isEqualTo(0x11);
        assertThat(TrackerMessageType.ofCode(0x00)).isNull();
        for (int code = 0x12; code <= 0xFF; code++) {
            assertThat(TrackerMessageType.ofCode(code)).as("code 0x%02x is no tracker type", code).isNull();
        }
    }

    @Test
    void shouldKeepTheExamplesOfProtocolMdByteForByte() throws ProtocolException {
        // The example dumps at the end of PROTOCOL.md.
        assertThat(TrackerCodec.decode(hex("50 32 01 01  01 02 03 04  00000000000000000000000000000000")))
                .isEqualTo(TrackerGoldenVectors.named("COOKIE_REQUEST").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 0F  0A 0B 0C 0D  02")))
                .isEqualTo(TrackerGoldenVectors.named("ERROR").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 07  00 00 00 07  C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "00 00 00 00 00 00 00 00  00  03 62 6F 62")))
                .isEqualTo(TrackerGoldenVectors.named("LOOKUP with an empty requester").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 10  01 02 03 04 05 06 07 08",
                        "A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "50 32 01 42  10 20 30 40 50 60 70 80  80 00 00 01  EB 50 A3 91")))
                .isEqualTo(TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 11",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "50 32 01 45  88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 07  00 02  B0 90 53 A5")))
                .isEqualTo(TrackerGoldenVectors.named("RELAYED carrying 26 opaque bytes").message());
    }

    @Test
    void shouldPadTheCookieRequestToTheSizeOfTheChallenge() {
        assertThat(TrackerGoldenVectors.named("COOKIE_REQUEST").bytes())
                .hasSize(TrackerWire.COOKIE_REQUEST_SIZE)
                .hasSize(24)
                .hasSameSizeAs(TrackerGoldenVectors.named("COOKIE_CHALLENGE").bytes());
    }

    @Test
    void shouldDecodeAnEmptyRequesterAsAnAnonymousLookup() throws ProtocolException {
        Lookup lookup = (Lookup) TrackerCodec.decode(
                TrackerGoldenVectors.named("LOOKUP with an empty requester").bytes());
        assertThat(lookup.requester()).isEmpty();
        assertThat(lookup.token()).isZero();
    }

    @Test
    void shouldKeepAnIpv4MappedAddressSentAsFamilySixAsIpv6() throws ProtocolException {
        LookupResult result = (LookupResult) TrackerCodec.decode(
                TrackerGoldenVectors.named("LOOKUP_RESULT with IPv4 observed and three private addresses").bytes());
        assertThat(result.peer().privateAddresses().get(2).getAddress()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void shouldDecodeEveryErrorCodeOfTheTable() throws ProtocolException {
        for (ErrorCode code : ErrorCode.values()) {
            byte[] datagram = hex("5032 01 0f", "00000001", String.format("%02x", code.code()));
            assertThat(TrackerCodec.decode(datagram)).isEqualTo(new ErrorReply(1, code));
            assertThat(TrackerCodec.encode(new ErrorReply(1, code))).isEqualTo(datagram);
            assertThat(ErrorCode.ofCode(code.code())).isSameAs(code);
        }
        assertThat(ErrorCode.values()).extracting(ErrorCode::code).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void shouldRejectAnErrorCodeOutsideTheTable() {
        for (int code : new int[] {0x00, 0x09, 0x7F, 0xFF}) {
            assertThatThrownBy(() -> TrackerCodec.decode(hex("5032 01 0f", "00000001", String.format("%02x", code))))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.BAD_FIELD));
            assertThat(ErrorCode.ofCode(code)).isNull();
        }
    }

    @Test
    void shouldEncodeAListPageOfExactlyOneDatagram() throws ProtocolException {
        // 33 entries with one-byte names and one with a 28-byte name: 17 + 33 * 34 + 61 = 1200 bytes.
        StringBuilder wire = new StringBuilder("5032 01 0b" + "00000001" + "00000022" + "00000022" + "22");
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            char c = (char) ('a' + i % 26);
            wire.append(String.format("01%02x", (int) c)).append(IDENTITY_KEY);
            entries.add(new ListPage.Entry(String.valueOf(c), octets(IDENTITY_KEY)));
        }
        wire.append("1c").append("78".repeat(28)).append(ZERO_KEY);
        entries.add(new ListPage.Entry("x".repeat(28), octets(ZERO_KEY)));
        ListPage page = new ListPage(1, 34, 34, entries);
        byte[] bytes = hex(wire.toString());

        assertThat(bytes).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(TrackerCodec.encode(page)).isEqualTo(bytes);
        assertThat(TrackerCodec.decode(bytes)).isEqualTo(page);
    }

    @Test
    void shouldNotBuildAListPageLargerThanOneDatagram() {
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            entries.add(new ListPage.Entry("a", octets(IDENTITY_KEY)));
        }
        entries.add(new ListPage.Entry("x".repeat(29), octets(ZERO_KEY)));
        assertThatThrownBy(() -> new ListPage(1, 0, 34, entries)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCoverEveryByteBeforeTheSignatureWithSignedBytes() {
        int signedVectors = 0;
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            if (vector.message() instanceof TrackerMessage.Signed signed) {
                byte[] bytes = vector.bytes();
                byte[] covered = TrackerCodec.signedBytes(signed);
                // The tracker's signed requests end with the signature: no trailer after it.
                assertThat(covered).as(vector.name()).hasSize(bytes.length - Wire.SIGNATURE_SIZE);
                assertThat(bytes).as(vector.name()).startsWith(covered);
                assertThat(Arrays.copyOfRange(bytes, covered.length, bytes.length))
                        .as("%s: the signature follows the covered bytes", vector.name())
                        .isEqualTo(signed.signature().toByteArray());
                assertThat(covered).as("header included").startsWith(0x50, 0x32, 0x01);
                assertThat(signed.signedBytes()).as("%s: Signed.signedBytes", vector.name()).isEqualTo(covered);
                signedVectors++;
            }
        }
        assertThat(signedVectors).as("REGISTER twice, RENAME, UNREGISTER").isEqualTo(4);
    }

    /** A RELAY or RELAYED ends with its payload, exactly the bytes after its own fields. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldEndEveryRelayVectorWithItsPayloadUnchanged(Vector<TrackerMessage> vector) {
        int offset = TrackerGoldenVectors.payloadOffset(vector.message());
        byte[] bytes = vector.bytes();
        assertThat(Arrays.copyOfRange(bytes, offset, bytes.length))
                .isEqualTo(TrackerGoldenVectors.payload(vector.message()));
    }

    @Test
    void shouldCarryEveryPeerFrameVectorInARelayAndARelayedByteForByte() throws ProtocolException {
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            byte[] relayBytes = hex("5032 01 10", RELAY_TOKEN, IDENTITY_KEY, toHex(vector.bytes()));
            Relay relay = new Relay(0x0102030405060708L, octets(IDENTITY_KEY), Octets.of(vector.bytes()));
            assertThat(TrackerCodec.decode(relayBytes)).as(vector.name()).isEqualTo(relay);
            assertThat(TrackerCodec.encode(relay)).as(vector.name()).isEqualTo(relayBytes);

            byte[] relayedBytes = hex("5032 01 11", SENDER_KEY, toHex(vector.bytes()));
            Relayed relayed = new Relayed(octets(SENDER_KEY), Octets.of(vector.bytes()));
            assertThat(TrackerCodec.decode(relayedBytes)).as(vector.name()).isEqualTo(relayed);
            assertThat(TrackerCodec.encode(relayed)).as(vector.name()).isEqualTo(relayedBytes);
        }
        assertThat(PeerGoldenVectors.ALL).as("every frame type, TRANSPORT thrice, INITIATION_IK twice").hasSize(10);
    }

    @Test
    void shouldMakeARelayedDatagramEightBytesShorterThanTheRelayItPassesOn() {
        Relay relay = (Relay) TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").message();
        Relayed relayed = new Relayed(octets(SENDER_KEY), relay.payload());
        assertThat(TrackerCodec.encode(relayed))
                .hasSize(TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").bytes().length - 8)
                .endsWith(relay.payload().toByteArray());
        assertThat(TrackerWire.RELAY_FIXED_SIZE - TrackerWire.RELAYED_FIXED_SIZE).isEqualTo(TrackerWire.TOKEN_SIZE);
    }

    @Test
    void shouldCarryAnXxInitiationThatTheReceiverDecodesAsThePeerFrameVector() throws ProtocolException {
        // An XX initiation names no sender: the RELAYED's sender key is where the responder relays its answer.
        Relayed relayed = (Relayed) TrackerGoldenVectors.named("RELAYED carrying an INITIATION_XX").message();
        PeerFrame carried = PeerFrameCodec.decode(relayed.payload().toByteArray());
        assertThat(carried.type()).isEqualTo(FrameType.INITIATION_XX);
        assertThat(carried).isEqualTo(PeerGoldenVectors.named("INITIATION_XX").message());
    }

    @Test
    void shouldKeepTheLimitsOfProtocolMd() {
        assertThat(TrackerWire.COOKIE_SIZE).isEqualTo(16);
        assertThat(TrackerWire.TOKEN_SIZE).isEqualTo(8);
        assertThat(TrackerWire.LIST_PAGE_FIXED_SIZE).isEqualTo(17);
        assertThat(TrackerWire.MAX_LIST_ENTRIES).isEqualTo(34);
        assertThat(TrackerWire.RELAY_FIXED_SIZE).isEqualTo(44).isEqualTo(Wire.RELAY_OVERHEAD);
        assertThat(TrackerWire.RELAYED_FIXED_SIZE).isEqualTo(36);
        assertThat(TrackerWire.MIN_RELAY_PAYLOAD).isEqualTo(Wire.HEADER_SIZE).isEqualTo(4);
        assertThat(Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(1156);
        // The largest payload fills a RELAY exactly: any peer frame can move to the relay.
        assertThat(TrackerWire.RELAY_FIXED_SIZE + Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(Wire.MAX_DATAGRAM_SIZE);
    }

    @Test
    void shouldEncodeARelayOfTheLargestPeerFrameAsExactlyOneDatagram() throws ProtocolException {
        // 44 + 1156 = 1200 bytes: any peer frame fits a RELAY, and the RELAYED passing it on is 1192.
        Vector<PeerFrame> largest = PeerGoldenVectors.named("TRANSPORT of the largest size");
        byte[] frame = largest.bytes();
        byte[] relayBytes = hex("5032 01 10", RELAY_TOKEN, IDENTITY_KEY, toHex(frame));
        Relay relay = new Relay(0x0102030405060708L, octets(IDENTITY_KEY), Octets.of(frame));
        byte[] relayedBytes = hex("5032 01 11", SENDER_KEY, toHex(frame));
        Relayed relayed = new Relayed(octets(SENDER_KEY), Octets.of(frame));

        assertThat(relayBytes).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(TrackerCodec.encode(relay)).isEqualTo(relayBytes);
        assertThat(TrackerCodec.decode(relayBytes)).isEqualTo(relay);
        assertThat(relayedBytes).hasSize(Wire.MAX_DATAGRAM_SIZE - 8);
        assertThat(TrackerCodec.encode(relayed)).isEqualTo(relayedBytes);
        assertThat(TrackerCodec.decode(relayedBytes)).isEqualTo(relayed);
        assertThat(frame).hasSize(Wire.MAX_PEER_DATAGRAM_SIZE);
        assertThat(PeerFrameCodec.decode(relayed.payload().toByteArray())).isEqualTo(largest.message());
    }

    @Test
    void shouldKeepEveryGoldenVectorAsAFuzzSeed() throws IOException {
        // The Jazzer regression inputs start from the golden vectors, under "golden-" and the vector's name.
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            String file = vector.fuzzSeedName();
            try (InputStream seed = getClass().getResourceAsStream(FUZZ_INPUTS + file)) {
                assertThat(seed).as("seed %s", file).isNotNull();
                assertThat(seed.readAllBytes()).as("seed %s", file).isEqualTo(vector.bytes());
            }
        }
    }
}
