package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.BOB_SESSION;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Pong;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The peer frame codec against byte vectors written by hand from PROTOCOL.md, in both directions. */
@Timeout(10)
class PeerFrameCodecGoldenTest {
    private static final String FUZZ_INPUTS = "PeerFrameCodecFuzzTestInputs/" + GoldenVectors.FUZZ_METHOD + "/";

    static Stream<Vector<PeerFrame>> vectors() {
        return PeerGoldenVectors.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachFrameToItsGoldenBytes(Vector<PeerFrame> vector) {
        assertThat(PeerFrameCodec.encode(vector.message())).isEqualTo(vector.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsFrame(Vector<PeerFrame> vector) throws ProtocolException {
        assertThat(PeerFrameCodec.decode(vector.bytes())).isEqualTo(vector.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeAtTheBufferPositionAndDecodeOnlyTheRemainingBytes(Vector<PeerFrame> vector)
            throws ProtocolException {
        ByteBuffer out = ByteBuffer.allocate(3 + Wire.MAX_PEER_DATAGRAM_SIZE);
        out.put(new byte[] {9, 9, 9});
        PeerFrameCodec.encode(vector.message(), out);
        assertThat(out.position()).isEqualTo(3 + vector.bytes().length);

        out.flip().position(3);
        assertThat(PeerFrameCodec.decode(out)).isEqualTo(vector.message());
        assertThat(out.hasRemaining()).isFalse();
    }

    /** The checksum covers the frame from its own first byte, wherever in the buffer it starts. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeAFrameThatStartsInsideALargerBuffer(Vector<PeerFrame> vector) throws ProtocolException {
        byte[] bytes = vector.bytes();
        ByteBuffer in = ByteBuffer.allocate(5 + bytes.length + 2);
        in.put(new byte[] {1, 2, 3, 4, 5}).put(bytes).put(new byte[] {6, 7});
        in.position(5).limit(5 + bytes.length);
        assertThat(PeerFrameCodec.decode(in)).isEqualTo(vector.message());
        assertThat(in.position()).isEqualTo(5 + bytes.length);
    }

    @Test
    void shouldHaveAGoldenVectorForEveryFrameType() {
        Set<FrameType> covered = PeerGoldenVectors.ALL.stream()
                .map(v -> v.message().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(FrameType.class)));
        assertThat(covered).containsExactlyInAnyOrder(FrameType.values());
    }

    @Test
    void shouldPutTheTypeCodeOfEachFrameInByteThree() {
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            assertThat(vector.bytes()[Wire.TYPE_OFFSET] & 0xFF)
                    .as(vector.name())
                    .isEqualTo(vector.message().type().code());
        }
    }

    @Test
    void shouldNumberFrameTypesFrom0x40AndLeaveTheTrackerRangeUndefined() {
        for (FrameType type : FrameType.values()) {
            assertThat(type.code()).as(type.name()).isEqualTo(Wire.PEER_TYPES_FIRST + type.ordinal());
            assertThat(FrameType.ofCode(type.code())).isSameAs(type);
            assertThat(Wire.isPeerFrame(type.code())).as(type.name()).isTrue();
        }
        assertThat(FrameType.HELLO.code()).isEqualTo(0x40);
        assertThat(FrameType.GOODBYE.code()).isEqualTo(0x46);
        for (int code = 0x00; code < Wire.PEER_TYPES_FIRST; code++) {
            assertThat(FrameType.ofCode(code)).as("code 0x%02x is no frame type", code).isNull();
            assertThat(Wire.isPeerFrame(code)).as("code 0x%02x", code).isFalse();
        }
        for (int code = 0x47; code <= 0xFF; code++) {
            assertThat(FrameType.ofCode(code)).as("code 0x%02x is reserved", code).isNull();
            assertThat(Wire.isPeerFrame(code)).as("code 0x%02x", code).isEqualTo(code <= Wire.PEER_TYPES_LAST);
        }
    }

    @Test
    void shouldKeepTheExamplesOfProtocolMdByteForByte() throws ProtocolException {
        // The example dumps at the end of PROTOCOL.md.
        assertThat(PeerFrameCodec.decode(hex("50 32 01 42  10 20 30 40 50 60 70 80  80 00 00 01  EB 50 A3 91")))
                .isEqualTo(PeerGoldenVectors.named("PING").message());
        assertThat(PeerFrameCodec.decode(hex(
                        "50 32 01 44  10 20 30 40 50 60 70 80  00 00 00 00 00 00 00 07  01  00 02  00 03  00 09",
                        "6F 2C 20 77 6F 72 6C 64 21  F5 79 FE F4")))
                .isEqualTo(PeerGoldenVectors.named("DATA that is the last fragment of a message").message());
        assertThat(PeerFrameCodec.decode(hex(
                        "50 32 01 45  88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 07  00 02  B0 90 53 A5")))
                .isEqualTo(PeerGoldenVectors.named("ACK").message());
    }

    @Test
    void shouldCoverEveryByteBeforeTheSignatureWithSignedBytes() {
        int signedVectors = 0;
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            if (vector.message() instanceof PeerFrame.Signed signed) {
                byte[] bytes = vector.bytes();
                byte[] covered = PeerFrameCodec.signedBytes(signed);
                // HELLO and HELLO_ACK end with the checksum after the signature: it is not covered.
                assertThat(covered).as(vector.name())
                        .hasSize(bytes.length - Wire.SIGNATURE_SIZE - PeerWire.CHECKSUM_SIZE);
                assertThat(bytes).as(vector.name()).startsWith(covered);
                assertThat(Arrays.copyOfRange(bytes, covered.length, covered.length + Wire.SIGNATURE_SIZE))
                        .as("%s: the signature follows the covered bytes", vector.name())
                        .isEqualTo(signed.signature().toByteArray());
                assertThat(covered).as("header included").startsWith(0x50, 0x32, 0x01);
                assertThat(signed.signedBytes()).as("%s: Signed.signedBytes", vector.name()).isEqualTo(covered);
                signedVectors++;
            }
        }
        assertThat(signedVectors).as("HELLO, HELLO_ACK").isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEndEveryVectorWithTheChecksumOfTheBytesBeforeIt(Vector<PeerFrame> vector) {
        byte[] bytes = vector.bytes();
        assertThat(Wire.isPeerFrame(vector.message().type().code())).isTrue();
        assertThat(GoldenVectors.withChecksum(Arrays.copyOf(bytes, bytes.length - PeerWire.CHECKSUM_SIZE)))
                .isEqualTo(bytes);
    }

    @Test
    void shouldEchoTheNonceOfTheHelloInTheHelloAckThatAnswersIt() {
        Hello hello = (Hello) PeerGoldenVectors.named("HELLO").message();
        HelloAck ack = (HelloAck) PeerGoldenVectors.named("HELLO_ACK").message();
        assertThat(ack.nonce()).isEqualTo(hello.nonce());
        // Same layout, only the type byte tells them apart: bytes 12..19 are the nonce in both.
        assertThat(Arrays.copyOfRange(PeerGoldenVectors.named("HELLO_ACK").bytes(), 12, 20))
                .isEqualTo(Arrays.copyOfRange(PeerGoldenVectors.named("HELLO").bytes(), 12, 20))
                .isEqualTo(hex(GoldenVectors.NONCE));
        // Each side addresses the other by the session id the other chose.
        assertThat(((Ping) PeerGoldenVectors.named("PING").message()).session()).isEqualTo(ack.session());
        assertThat(((Pong) PeerGoldenVectors.named("PONG").message()).session()).isEqualTo(hello.session());
    }

    @Test
    void shouldDecodeEveryContentKindOfTheTable() throws ProtocolException {
        for (ContentKind kind : ContentKind.values()) {
            byte[] datagram = GoldenVectors.hexWithChecksum("5032 01 44", BOB_SESSION, "0000000000000001",
                    String.format("%02x", kind.code()), "0000 0001 0000");
            Data data = new Data(0x1020304050607080L, 1, kind, 0, 1, Octets.zeros(0));
            assertThat(PeerFrameCodec.decode(datagram)).isEqualTo(data);
            assertThat(PeerFrameCodec.encode(data)).isEqualTo(datagram);
        }
        assertThat(ContentKind.values()).extracting(ContentKind::code).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(ContentKind.ofCode(0)).isNull();
        assertThat(ContentKind.ofCode(8)).isNull();
    }

    @Test
    void shouldKeepTheLimitsOfProtocolMd() {
        assertThat(PeerWire.MAX_MESSAGE_SIZE).isEqualTo(65_536);
        assertThat(PeerWire.CHECKSUM_SIZE).isEqualTo(4);
        assertThat(PeerWire.SESSION_SIZE).isEqualTo(8);
        assertThat(PeerWire.MESSAGE_ID_SIZE).isEqualTo(8);
        assertThat(PeerWire.DATA_PAYLOAD_OFFSET).isEqualTo(27);
        assertThat(PeerWire.DATA_FIXED_SIZE).isEqualTo(31);
        assertThat(Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(1156);
        assertThat(PeerWire.MAX_FRAGMENT_PAYLOAD).isEqualTo(1125);
        assertThat(PeerWire.MAX_FRAGMENTS).isEqualTo(59);
        // 59 fragments carry 64 KiB (59 x 1125 = 66,375); 58 would not (65,250).
        assertThat(PeerWire.MAX_FRAGMENTS * PeerWire.MAX_FRAGMENT_PAYLOAD)
                .isGreaterThanOrEqualTo(PeerWire.MAX_MESSAGE_SIZE);
        assertThat((PeerWire.MAX_FRAGMENTS - 1) * PeerWire.MAX_FRAGMENT_PAYLOAD).isLessThan(PeerWire.MAX_MESSAGE_SIZE);
    }

    @Test
    void shouldEncodeTheLargestDataFragmentAsExactlyTheLargestPeerFrame() throws ProtocolException {
        byte[] bytes = hex(PeerGoldenVectors.LARGEST_DATA_HEX);

        assertThat(bytes).hasSize(Wire.MAX_PEER_DATAGRAM_SIZE);
        assertThat(PeerFrameCodec.encode(PeerGoldenVectors.LARGEST_DATA)).isEqualTo(bytes);
        assertThat(PeerFrameCodec.decode(bytes)).isEqualTo(PeerGoldenVectors.LARGEST_DATA);
    }

    @Test
    void shouldKeepEveryGoldenVectorAsAFuzzSeed() throws IOException {
        // The Jazzer regression inputs start from the golden vectors, under "golden-" and the vector's name.
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            String file = vector.fuzzSeedName();
            try (InputStream seed = getClass().getResourceAsStream(FUZZ_INPUTS + file)) {
                assertThat(seed).as("seed %s", file).isNotNull();
                assertThat(seed.readAllBytes()).as("seed %s", file).isEqualTo(vector.bytes());
            }
        }
    }
}
