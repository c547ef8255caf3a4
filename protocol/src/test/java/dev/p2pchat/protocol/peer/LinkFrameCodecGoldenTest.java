package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import java.io.IOException;
import java.io.InputStream;
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

/** The link frame codec against byte vectors written by hand from PROTOCOL.md, in both directions. */
@Timeout(10)
class LinkFrameCodecGoldenTest {
    private static final String FUZZ_INPUTS = "LinkFrameCodecFuzzTestInputs/" + GoldenVectors.FUZZ_METHOD + "/";

    static Stream<Vector<LinkFrame>> vectors() {
        return LinkGoldenVectors.ALL.stream();
    }

    private static LinkFrame decode(byte[] bytes) throws ProtocolException {
        return LinkFrameCodec.decode(bytes, 0, bytes.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachFrameToItsGoldenBytes(Vector<LinkFrame> vector) {
        assertThat(LinkFrameCodec.encode(vector.message())).isEqualTo(vector.bytes());
        assertThat(LinkFrameCodec.size(vector.message())).isEqualTo(vector.bytes().length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsFrame(Vector<LinkFrame> vector) throws ProtocolException {
        assertThat(decode(vector.bytes())).isEqualTo(vector.message());
    }

    /** A receiver opens a TRANSPORT in place: the link frame is a range of a larger array, read exactly. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeAFrameFromARangeOfALargerArray(Vector<LinkFrame> vector) throws ProtocolException {
        byte[] bytes = vector.bytes();
        byte[] around = new byte[16 + bytes.length + 16];
        // Bytes before and after that would be a trailing byte or a bad field if the decoder read them.
        Arrays.fill(around, (byte) 0xFF);
        System.arraycopy(bytes, 0, around, 16, bytes.length);
        assertThat(LinkFrameCodec.decode(around, 16, bytes.length)).isEqualTo(vector.message());
    }

    /** A sender encodes the link frame where its ciphertext goes, after the clear header, and seals it in place. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeAFrameIntoARangeOfALargerArray(Vector<LinkFrame> vector) {
        byte[] bytes = vector.bytes();
        byte[] out = new byte[16 + bytes.length + 16];
        Arrays.fill(out, (byte) 0xEE);
        assertThat(LinkFrameCodec.encode(vector.message(), out, 16)).isEqualTo(bytes.length);
        assertThat(Arrays.copyOfRange(out, 16, 16 + bytes.length)).isEqualTo(bytes);
        assertThat(Arrays.copyOf(out, 16)).as("the clear header's place").containsOnly(0xEE);
        assertThat(Arrays.copyOfRange(out, 16 + bytes.length, out.length)).as("the tag's place").containsOnly(0xEE);
    }

    @Test
    void shouldHaveAGoldenVectorForEveryKind() {
        Set<Kind> covered = LinkGoldenVectors.ALL.stream()
                .map(v -> v.message().kind())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));
        assertThat(covered).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void shouldPutTheKindCodeOfEachFrameInItsFirstByte() {
        for (Vector<LinkFrame> vector : LinkGoldenVectors.ALL) {
            assertThat(vector.bytes()[0] & 0xFF).as(vector.name()).isEqualTo(vector.message().kind().code());
        }
    }

    @Test
    void shouldNumberKindsFromOneToSevenAndLeaveEveryOtherCodeUndefined() {
        assertThat(Kind.values()).extracting(Kind::code).containsExactly(1, 2, 3, 4, 5, 6, 7);
        for (Kind kind : Kind.values()) {
            assertThat(Kind.ofCode(kind.code())).isSameAs(kind);
        }
        assertThat(Kind.ofCode(0)).isNull();
        for (int code = 8; code <= 0xFF; code++) {
            assertThat(Kind.ofCode(code)).as("code %d", code).isNull();
        }
    }

    @Test
    void shouldKeepTheLinkFrameExamplesOfProtocolMdByteForByte() throws ProtocolException {
        // "Link frames, as sealed:" at the end of PROTOCOL.md.
        assertThat(decode(hex("01  80 00 00 01  00"))).isEqualTo(LinkGoldenVectors.named("PING").message());
        assertThat(decode(hex("03  00 00 00 03  00  00 00 00 07  01  00 00 00 09  00 00",
                        "6F 2C 20 77 6F 72 6C 64 21")))
                .isEqualTo(LinkGoldenVectors.named("DATA").message());
        assertThat(decode(hex("04  00 00 00 08  01  00 00 00 09  04 2F  00 0C")))
                .isEqualTo(LinkGoldenVectors.named("ACK").message());
        assertThat(decode(hex("06  00 00 00 09  01")))
                .isEqualTo(LinkGoldenVectors.named("SKIPPED, delivered").message());
    }

    @Test
    void shouldDecodeEveryContentKindOfTheTable() throws ProtocolException {
        for (ContentKind kind : ContentKind.values()) {
            byte[] bytes = hex("03", "00000001", "00", "00000001", String.format("%02x", kind.code()), "00000000",
                    "0000");
            Data data = new Data(AckBlock.NONE, 1, kind, 0, 0, Octets.zeros(0));
            assertThat(decode(bytes)).isEqualTo(data);
            assertThat(LinkFrameCodec.encode(data)).isEqualTo(bytes);
            assertThat(ContentKind.ofCode(kind.code())).isSameAs(kind);
        }
        assertThat(ContentKind.values()).extracting(ContentKind::code).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ContentKind.ofCode(0)).isNull();
        assertThat(ContentKind.ofCode(9)).isNull();
    }

    @Test
    void shouldStartWithNothingDelivered() {
        assertThat(AckBlock.NONE).isEqualTo(new AckBlock(1, List.of()));
        assertThat(AckBlock.NONE.size()).isEqualTo(5);
    }

    @Test
    void shouldFillTheLargestLinkFrameWithAFullPieceOrAPaddedPing() {
        assertThat(LinkGoldenVectors.named("DATA of a full piece").bytes()).hasSize(PeerWire.MAX_LINK_FRAME_SIZE);
        assertThat(LinkGoldenVectors.named("PING with the PROBE flag padded to the largest link frame").bytes())
                .hasSize(PeerWire.MAX_LINK_FRAME_SIZE);
        // MAX_PIECE = 1088 less DATA's own fields (12) and an ack block without entries (5).
        assertThat(PeerWire.MAX_PIECE).isEqualTo(1071).isEqualTo(1088 - 12 - 5);
        assertThat(PeerWire.MAX_LINK_FRAME_SIZE).isEqualTo(1088);
        assertThat(PeerWire.DATA_FIXED_SIZE).isEqualTo(12);
        assertThat(PeerWire.ACK_BLOCK_FIXED_SIZE).isEqualTo(5);
        assertThat(PeerWire.ACK_ENTRY_SIZE).isEqualTo(8);
        assertThat(PeerWire.MAX_ACK_ENTRIES).isEqualTo(64);
        assertThat(PeerWire.MAX_MESSAGE_SIZE).isEqualTo(65_536);
    }

    @Test
    void shouldKeepEveryGoldenVectorAsAFuzzSeed() throws IOException {
        // The Jazzer regression inputs start from the golden vectors, under "golden-" and the vector's name.
        for (Vector<LinkFrame> vector : LinkGoldenVectors.ALL) {
            String file = vector.fuzzSeedName();
            try (InputStream seed = getClass().getResourceAsStream(FUZZ_INPUTS + file)) {
                assertThat(seed).as("seed %s", file).isNotNull();
                assertThat(seed.readAllBytes()).as("seed %s", file).isEqualTo(vector.bytes());
            }
        }
    }
}
