package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
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

    static Stream<Vector<PeerFrame>> transportVectors() {
        return PeerGoldenVectors.ALL.stream().filter(v -> v.message() instanceof Transport);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachFrameToItsGoldenBytes(Vector<PeerFrame> vector) {
        assertThat(PeerFrameCodec.encode(vector.message())).isEqualTo(vector.bytes());
        assertThat(PeerFrameCodec.size(vector.message())).isEqualTo(vector.bytes().length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsFrame(Vector<PeerFrame> vector) throws ProtocolException {
        assertThat(PeerFrameCodec.decode(vector.bytes())).isEqualTo(vector.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeOnlyTheRemainingBytesOfABufferAndConsumeThem(Vector<PeerFrame> vector) throws ProtocolException {
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
    void shouldNumberFrameTypesFrom0x40To0x46AndLeaveEveryOtherCodeUndefined() {
        for (FrameType type : FrameType.values()) {
            assertThat(type.code()).as(type.name()).isEqualTo(Wire.PEER_TYPES_FIRST + type.ordinal());
            assertThat(FrameType.ofCode(type.code())).isSameAs(type);
            assertThat(Wire.isPeerFrame(type.code())).as(type.name()).isTrue();
        }
        assertThat(FrameType.INITIATION_IK.code()).isEqualTo(0x40);
        assertThat(FrameType.COOKIE_REPLY.code()).isEqualTo(0x45);
        assertThat(FrameType.TRANSPORT.code()).isEqualTo(0x46);
        for (int code = 0x00; code < Wire.PEER_TYPES_FIRST; code++) {
            assertThat(FrameType.ofCode(code)).as("code 0x%02x is no frame type", code).isNull();
            assertThat(Wire.isPeerFrame(code)).as("code 0x%02x", code).isFalse();
        }
        for (int code = 0x47; code <= 0xFF; code++) {
            assertThat(FrameType.ofCode(code)).as("code 0x%02x is reserved", code).isNull();
            assertThat(Wire.isPeerFrame(code)).as("code 0x%02x", code).isEqualTo(code <= Wire.PEER_TYPES_LAST);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldGiveEveryHandshakeFrameItsOneSizeAndEveryTransportFrame33To1120Bytes(Vector<PeerFrame> vector) {
        FrameType type = vector.message().type();
        if (type == FrameType.TRANSPORT) {
            assertThat(vector.bytes().length).isBetween(33, 1120);
        } else {
            assertThat(vector.bytes()).hasSize(PeerGoldenVectors.HANDSHAKE_SIZES.get(type));
        }
    }

    @Test
    void shouldCoverTheSmallestAndTheLargestTransportFrame() {
        assertThat(PeerGoldenVectors.named("TRANSPORT of the smallest size").bytes())
                .hasSize(PeerWire.MIN_TRANSPORT_SIZE).hasSize(33);
        assertThat(PeerGoldenVectors.named("TRANSPORT of the largest size").bytes())
                .hasSize(Wire.MAX_PEER_DATAGRAM_SIZE).hasSize(1120);
    }

    @Test
    void shouldBuildTheClearHeaderOfTheTransportExampleOfProtocolMd() {
        // "TRANSPORT to receiver index 0x01020304, counter 5: the clear header, the associated data of what follows"
        assertThat(PeerFrameCodec.transportHeader(0x01020304, 5))
                .isEqualTo(hex("50 32 01 46  01 02 03 04  00 00 00 00 00 00 00 05"));
        assertThat(PeerFrameCodec.transportHeader(0x81828384, 0xFFFF_FFFF_FFFF_DFFEL))
                .as("index and counter unsigned").isEqualTo(hex("5032 01 46", "81828384", "ffffffffffffdffe"));
        assertThat(PeerFrameCodec.transportHeader(0, 0)).isEqualTo(hex("5032 01 46", "00000000", "0000000000000000"));
    }

    /** A transport frame's first 16 bytes are its associated data, exactly what {@code transportHeader} gives. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transportVectors")
    void shouldStartEveryTransportFrameWithItsClearHeader(Vector<PeerFrame> vector) {
        Transport transport = (Transport) vector.message();
        byte[] bytes = vector.bytes();
        assertThat(Arrays.copyOf(bytes, 16))
                .isEqualTo(PeerFrameCodec.transportHeader(transport.receiverIndex(), transport.counter()));
        assertThat(Arrays.copyOfRange(bytes, 16, bytes.length)).isEqualTo(transport.sealed().toByteArray());
        assertThat(PeerWire.TRANSPORT_HEADER_SIZE).isEqualTo(16);
    }

    @Test
    void shouldWriteTheClearHeaderInPlaceAndLeaveTheRestOfTheArray() {
        byte[] out = new byte[40];
        Arrays.fill(out, (byte) 0xEE);
        PeerFrameCodec.putTransportHeader(out, 0x01020304, 5);
        assertThat(Arrays.copyOf(out, 16)).isEqualTo(hex("50 32 01 46  01 02 03 04  00 00 00 00 00 00 00 05"));
        assertThat(Arrays.copyOfRange(out, 16, 40)).as("the sealed bytes' place").containsOnly(0xEE);
    }

    /** The receiving side reads the index and the counter where the frame lies, before it opens it in place. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transportVectors")
    void shouldReadTheReceiverIndexAndCounterOfATransportWithoutDecodingIt(Vector<PeerFrame> vector)
            throws ProtocolException {
        Transport transport = (Transport) vector.message();
        assertThat(PeerFrameCodec.transportReceiver(vector.bytes())).isEqualTo(transport.receiverIndex());
        assertThat(PeerFrameCodec.transportCounter(vector.bytes())).isEqualTo(transport.counter());
    }

    @Test
    void shouldRefuseToReadATransportOfAnotherSize() {
        byte[] smallest = PeerGoldenVectors.named("TRANSPORT of the smallest size").bytes();
        byte[] largest = PeerGoldenVectors.named("TRANSPORT of the largest size").bytes();
        for (byte[] frame : new byte[][] {Arrays.copyOf(smallest, 32), Arrays.copyOf(smallest, 4), new byte[0]}) {
            assertThatThrownBy(() -> PeerFrameCodec.transportReceiver(frame)).as("%d bytes", frame.length)
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        }
        for (int length : new int[] {1121, 1156, 1200}) {
            assertThatThrownBy(() -> PeerFrameCodec.transportReceiver(Arrays.copyOf(largest, length)))
                    .as("%d bytes", length).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG));
        }
    }

    @Test
    void shouldPutTheMacsWhereTheLayoutsOfProtocolMdDo() {
        assertThat(PeerFrameCodec.mac1Offset(FrameType.INITIATION_IK)).isEqualTo(249);
        assertThat(PeerFrameCodec.mac2Offset(FrameType.INITIATION_IK)).isEqualTo(265);
        assertThat(PeerFrameCodec.mac1Offset(FrameType.INITIATION_XX)).isEqualTo(221);
        assertThat(PeerFrameCodec.mac2Offset(FrameType.INITIATION_XX)).isEqualTo(237);
        for (FrameType other : List.of(FrameType.RESPONSE_IK, FrameType.RESPONSE_XX, FrameType.FINISH_XX,
                FrameType.COOKIE_REPLY, FrameType.TRANSPORT)) {
            assertThatThrownBy(() -> PeerFrameCodec.mac1Offset(other)).as("%s", other)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PeerFrameCodec.mac2Offset(other)).as("%s", other)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            if (vector.message() instanceof Initiation initiation) {
                byte[] bytes = vector.bytes();
                int mac1 = PeerFrameCodec.mac1Offset(initiation.type());
                int mac2 = PeerFrameCodec.mac2Offset(initiation.type());
                assertThat(Arrays.copyOfRange(bytes, mac1, mac1 + 16)).as(vector.name())
                        .isEqualTo(hex(PeerGoldenVectors.MAC1));
                assertThat(mac2).as("mac2 right after mac1, ending the frame").isEqualTo(mac1 + 16)
                        .isEqualTo(bytes.length - 16);
                assertThat(Arrays.copyOfRange(bytes, mac2, bytes.length)).as(vector.name())
                        .isEqualTo(initiation.mac2().toByteArray());
            }
        }
    }

    @Test
    void shouldPadTheXxInitiationWithZerosToTheSizeOfTheResponse() {
        byte[] initiation = PeerGoldenVectors.named("INITIATION_XX").bytes();
        assertThat(initiation).hasSameSizeAs(PeerGoldenVectors.named("RESPONSE_XX").bytes());
        assertThat(Arrays.copyOfRange(initiation, 40, 221)).isEqualTo(new byte[181]);
        assertThat(PeerWire.XX_PADDING).isEqualTo(181);
    }

    @Test
    void shouldMakeTheCookieReplySmallerThanEitherInitiation() {
        int reply = PeerGoldenVectors.named("COOKIE_REPLY").bytes().length;
        assertThat(reply).isEqualTo(52)
                .isLessThan(PeerGoldenVectors.named("INITIATION_XX").bytes().length)
                .isLessThan(PeerGoldenVectors.named("INITIATION_IK without a cookie").bytes().length);
    }

    @Test
    void shouldKeepTheSizesAndLimitsOfProtocolMd() {
        assertThat(PeerWire.INDEX_SIZE).isEqualTo(4);
        assertThat(PeerWire.COUNTER_SIZE).isEqualTo(8);
        assertThat(PeerWire.MAC_SIZE).isEqualTo(16);
        assertThat(PeerWire.TAG_SIZE).isEqualTo(16);
        assertThat(PeerWire.COOKIE_SIZE).isEqualTo(16);
        assertThat(PeerWire.COOKIE_NONCE_SIZE).isEqualTo(12);
        assertThat(PeerWire.NAME_FIELD_SIZE).isEqualTo(33);
        assertThat(PeerWire.HANDSHAKE_PAYLOAD_SIZE).isEqualTo(145);
        // e (32), s sealed (48), payload sealed (161), as the layouts draw them.
        assertThat(PeerWire.NOISE_IK_1).isEqualTo(32 + 48 + 161);
        assertThat(PeerWire.NOISE_IK_2).isEqualTo(32 + 161);
        assertThat(PeerWire.NOISE_XX_1).isEqualTo(32 + 181);
        assertThat(PeerWire.NOISE_XX_2).isEqualTo(32 + 48 + 161);
        assertThat(PeerWire.NOISE_XX_3).isEqualTo(48 + 161);
        assertThat(PeerWire.INITIATION_IK_SIZE).isEqualTo(281);
        assertThat(PeerWire.INITIATION_XX_SIZE).isEqualTo(253);
        assertThat(PeerWire.RESPONSE_IK_SIZE).isEqualTo(205);
        assertThat(PeerWire.RESPONSE_XX_SIZE).isEqualTo(253);
        assertThat(PeerWire.FINISH_XX_SIZE).isEqualTo(217);
        assertThat(PeerWire.COOKIE_REPLY_SIZE).isEqualTo(52);
        assertThat(PeerWire.MIN_TRANSPORT_SIZE).isEqualTo(33);
        assertThat(Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(1120).isEqualTo(1200 - 80);
        assertThat(PeerWire.TRANSPORT_HEADER_SIZE).isEqualTo(16);
        assertThat(PeerWire.MAX_LINK_FRAME_SIZE).isEqualTo(1088).isEqualTo(1120 - 16 - 16);
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
