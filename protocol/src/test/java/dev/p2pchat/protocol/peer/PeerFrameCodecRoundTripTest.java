package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid peer frames of every type. */
@Timeout(60)
class PeerFrameCodecRoundTripTest {
    private static final long SEED = 0x5032_0040L;
    private static final int ITERATIONS = 10_000;

    /** The size of {@code frame} on the wire, from the layouts of PROTOCOL.md. */
    private static int expectedSize(PeerFrame frame) {
        return frame instanceof Transport transport ? 16 + transport.sealed().length()
                : PeerGoldenVectors.HANDSHAKE_SIZES.get(frame.type());
    }

    @Test
    void shouldDecodeEveryEncodedFrameToAnEqualFrameAndReEncodeTheSameBytes() throws ProtocolException {
        RandomPeerFrames frames = new RandomPeerFrames(SEED);
        Map<FrameType, Integer> seen = new EnumMap<>(FrameType.class);
        int smallestTransport = Integer.MAX_VALUE;
        int largestTransport = 0;
        int withMac2 = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            PeerFrame frame = frames.next();
            byte[] encoded = PeerFrameCodec.encode(frame);
            String context = "iteration " + i + ": " + frame.type();

            assertThat(encoded.length).as("%s size", context).isEqualTo(expectedSize(frame))
                    .isEqualTo(PeerFrameCodec.size(frame)).isLessThanOrEqualTo(Wire.MAX_PEER_DATAGRAM_SIZE);
            PeerFrame decoded = PeerFrameCodec.decode(encoded);
            assertThat(decoded).as(context).isEqualTo(frame);
            assertThat(PeerFrameCodec.encode(decoded)).as(context).isEqualTo(encoded);

            seen.merge(frame.type(), 1, Integer::sum);
            if (frame instanceof Transport transport) {
                assertThat(Arrays.copyOf(encoded, PeerWire.TRANSPORT_HEADER_SIZE)).as(context)
                        .isEqualTo(PeerFrameCodec.transportHeader(transport.receiverIndex(), transport.counter()));
                smallestTransport = Math.min(smallestTransport, encoded.length);
                largestTransport = Math.max(largestTransport, encoded.length);
            }
            if (frame instanceof Initiation initiation) {
                int mac1 = PeerFrameCodec.mac1Offset(initiation.type());
                assertThat(Arrays.copyOfRange(encoded, mac1, mac1 + PeerWire.MAC_SIZE)).as(context)
                        .isEqualTo(initiation.mac1().toByteArray());
                withMac2 += initiation.mac2().isAllZeros() ? 0 : 1;
            }
        }
        assertThat(seen).as("every type generated many times").hasSize(FrameType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 20));
        assertThat(smallestTransport).as("the smallest TRANSPORT").isEqualTo(33);
        assertThat(largestTransport).as("the largest TRANSPORT fills a peer datagram").isEqualTo(1120);
        assertThat(withMac2).as("initiations with a cookie's mac2").isPositive();
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
