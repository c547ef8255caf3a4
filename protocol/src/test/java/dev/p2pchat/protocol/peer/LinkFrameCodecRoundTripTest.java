package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid link frames of every kind. */
@Timeout(60)
class LinkFrameCodecRoundTripTest {
    private static final long SEED = 0x5032_0046L;
    private static final int ITERATIONS = 10_000;

    /** The size of {@code frame}, from the field sizes of PROTOCOL.md ("Link frames"). */
    private static int expectedSize(LinkFrame frame) {
        return switch (frame.kind()) {
            case PING -> 1 + 4 + 1 + ((Ping) frame).padding();
            case PONG -> 1 + 4 + 1;
            case DATA -> 1 + ackBlockSize(((Data) frame).ack()) + 4 + 1 + 4 + 2 + ((Data) frame).payload().length();
            case ACK -> 1 + ackBlockSize(((Ack) frame).ack());
            case SKIP -> 1 + 4;
            case SKIPPED -> 1 + 4 + 1;
            case GOODBYE -> 1;
        };
    }

    private static int ackBlockSize(AckBlock ack) {
        return 4 + 1 + ack.entries().size() * (4 + 2 + 2);
    }

    @Test
    void shouldDecodeEveryEncodedFrameToAnEqualFrameAndReEncodeTheSameBytes() throws ProtocolException {
        RandomLinkFrames frames = new RandomLinkFrames(SEED);
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        Set<ContentKind> contents = EnumSet.noneOf(ContentKind.class);
        int largest = 0;
        int emptyMessages = 0;
        int fullPieces = 0;
        int lastBytes = 0;
        int fullAckBlocks = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            LinkFrame frame = frames.next();
            byte[] encoded = LinkFrameCodec.encode(frame);
            String context = "iteration " + i + ": " + frame.kind();

            assertThat(encoded.length).as("%s size", context).isEqualTo(expectedSize(frame))
                    .isEqualTo(LinkFrameCodec.size(frame));
            LinkFrame decoded = LinkFrameCodec.decode(encoded, 0, encoded.length);
            assertThat(decoded).as(context).isEqualTo(frame);
            assertThat(LinkFrameCodec.encode(decoded)).as(context).isEqualTo(encoded);
            // Every frame generated fits one TRANSPORT: its record accepts the sealed size.
            Octets sealed = Octets.zeros(encoded.length + PeerWire.TAG_SIZE);
            assertThat(new Transport(1, 0, sealed).sealed()).as(context).isEqualTo(sealed);

            seen.merge(frame.kind(), 1, Integer::sum);
            largest = Math.max(largest, encoded.length);
            if (frame instanceof Data data) {
                contents.add(data.content());
                emptyMessages += data.total() == 0 ? 1 : 0;
                fullPieces += data.payload().length() == PeerWire.MAX_PIECE ? 1 : 0;
                lastBytes += data.offset() == PeerWire.MAX_MESSAGE_SIZE - 1 ? 1 : 0;
            }
            if (frame instanceof Ack ack) {
                fullAckBlocks += ack.ack().entries().size() == PeerWire.MAX_ACK_ENTRIES ? 1 : 0;
            }
        }
        assertThat(seen).as("every kind generated many times").hasSize(Kind.values().length)
                .allSatisfy((kind, count) -> assertThat(count).as(kind.name()).isGreaterThan(ITERATIONS / 20));
        assertThat(contents).as("every content kind").containsExactlyInAnyOrder(ContentKind.values());
        assertThat(largest).as("some frame fills a TRANSPORT").isEqualTo(PeerWire.MAX_LINK_FRAME_SIZE);
        assertThat(emptyMessages).as("empty messages").isPositive();
        assertThat(fullPieces).as("pieces of %d bytes", PeerWire.MAX_PIECE).isPositive();
        assertThat(lastBytes).as("the last byte of the largest message").isPositive();
        assertThat(fullAckBlocks).as("ack blocks of %d entries", PeerWire.MAX_ACK_ENTRIES).isPositive();
    }

    @Test
    void shouldProduceTheSameFramesFromTheSameSeed() {
        RandomLinkFrames first = new RandomLinkFrames(SEED);
        RandomLinkFrames second = new RandomLinkFrames(SEED);
        for (int i = 0; i < 100; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }
}
