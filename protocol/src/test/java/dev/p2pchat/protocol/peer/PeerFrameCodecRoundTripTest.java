package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid peer frames of every type. */
@Timeout(60)
class PeerFrameCodecRoundTripTest {
    private static final long SEED = 0x5032_0001L;
    private static final int ITERATIONS = 10_000;
    private static final FrameType[] SIGNED_TYPES = {FrameType.HELLO, FrameType.HELLO_ACK};

    /** The size of {@code frame} on the wire, added up from the field sizes of PROTOCOL.md, checksum included. */
    private static int expectedSize(PeerFrame frame) {
        int body = switch (frame.type()) {
            case HELLO -> greetingSize(((Hello) frame).name());
            case HELLO_ACK -> greetingSize(((HelloAck) frame).name());
            case PING, PONG -> PeerWire.SESSION_SIZE + 4;
            case DATA -> PeerWire.DATA_PAYLOAD_OFFSET - Wire.HEADER_SIZE + ((Data) frame).payload().length();
            case ACK -> PeerWire.SESSION_SIZE + PeerWire.MESSAGE_ID_SIZE + 2;
            case GOODBYE -> PeerWire.SESSION_SIZE;
        };
        return Wire.HEADER_SIZE + body + PeerWire.CHECKSUM_SIZE;
    }

    private static int greetingSize(String name) {
        return PeerWire.SESSION_SIZE + 8 + Wire.nameSize(name) + 2 * Wire.KEY_SIZE + PeerWire.CAPABILITIES_SIZE
                + Wire.SIGNATURE_SIZE;
    }

    @Test
    void shouldDecodeEveryEncodedFrameToAnEqualFrameAndReEncodeTheSameBytes() throws ProtocolException {
        RandomPeerFrames frames = new RandomPeerFrames(SEED);
        Map<FrameType, Integer> seen = new EnumMap<>(FrameType.class);
        int largest = 0;
        Set<ContentKind> kinds = EnumSet.noneOf(ContentKind.class);
        int emptyPayloads = 0;
        int fullPayloads = 0;
        int lastOfMostFragments = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            PeerFrame frame = frames.next();
            byte[] encoded = PeerFrameCodec.encode(frame);
            String context = "iteration " + i + ": " + frame;

            assertThat(encoded.length).as("%s fits a RELAY", context)
                    .isBetween(Wire.HEADER_SIZE + PeerWire.CHECKSUM_SIZE, Wire.MAX_PEER_DATAGRAM_SIZE);
            assertThat(encoded.length).as("%s size", context).isEqualTo(expectedSize(frame));
            assertThat(GoldenVectors.rechecksummed(encoded)).as("%s ends with its checksum", context)
                    .isEqualTo(encoded);
            PeerFrame decoded = PeerFrameCodec.decode(encoded);
            assertThat(decoded).as(context).isEqualTo(frame);
            assertThat(PeerFrameCodec.encode(decoded)).as(context).isEqualTo(encoded);

            seen.merge(frame.type(), 1, Integer::sum);
            largest = Math.max(largest, encoded.length);
            if (frame instanceof Data data) {
                kinds.add(data.kind());
                emptyPayloads += data.payload().length() == 0 ? 1 : 0;
                fullPayloads += data.payload().length() == PeerWire.MAX_FRAGMENT_PAYLOAD ? 1 : 0;
                lastOfMostFragments += data.fragment() == PeerWire.MAX_FRAGMENTS - 1 ? 1 : 0;
            }
        }
        assertThat(seen).as("every type generated many times").hasSize(FrameType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 30));
        assertThat(largest).as("some full DATA fragment fills the largest peer frame")
                .isEqualTo(Wire.MAX_PEER_DATAGRAM_SIZE);
        assertThat(kinds).as("every content kind").containsExactlyInAnyOrder(ContentKind.values());
        assertThat(emptyPayloads).as("empty DATA payloads").isPositive();
        assertThat(fullPayloads).as("DATA payloads of %d bytes", PeerWire.MAX_FRAGMENT_PAYLOAD).isPositive();
        assertThat(lastOfMostFragments).as("fragment %d of %d", PeerWire.MAX_FRAGMENTS - 1, PeerWire.MAX_FRAGMENTS)
                .isPositive();
    }

    @Test
    void shouldSignExactlyTheBytesBeforeTheSignatureForEverySignedType() {
        RandomPeerFrames frames = new RandomPeerFrames(SEED + 1);
        for (FrameType type : FrameType.values()) {
            assertThat(frames.next(type) instanceof PeerFrame.Signed).as(type.name())
                    .isEqualTo(Arrays.asList(SIGNED_TYPES).contains(type));
        }
        for (FrameType type : SIGNED_TYPES) {
            for (int i = 0; i < 300; i++) {
                PeerFrame.Signed signed = (PeerFrame.Signed) frames.next(type);
                byte[] encoded = PeerFrameCodec.encode(signed);
                byte[] covered = PeerFrameCodec.signedBytes(signed);
                // Not the checksum trailer: it is computed after the signature, over it.
                assertThat(covered).hasSize(encoded.length - Wire.SIGNATURE_SIZE - PeerWire.CHECKSUM_SIZE);
                assertThat(encoded).startsWith(covered);
                assertThat(Arrays.copyOf(encoded, encoded.length - PeerWire.CHECKSUM_SIZE))
                        .endsWith(signed.signature().toByteArray());
                assertThat(signed.signedBytes()).isEqualTo(covered);
            }
        }
    }

    @Test
    void shouldProduceTheSameFramesFromTheSameSeed() {
        RandomPeerFrames first = new RandomPeerFrames(SEED);
        RandomPeerFrames second = new RandomPeerFrames(SEED);
        for (int i = 0; i < 100; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }
}
