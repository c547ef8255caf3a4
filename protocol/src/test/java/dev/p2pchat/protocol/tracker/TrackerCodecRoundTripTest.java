package dev.p2pchat.protocol.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.IntSummaryStatistics;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid tracker messages of every type. */
@Timeout(60)
class TrackerCodecRoundTripTest {
    private static final long SEED = 0x5032_0001L;
    private static final int ITERATIONS = 10_000;
    private static final TrackerMessageType[] SIGNED_TYPES = {
        TrackerMessageType.REGISTER, TrackerMessageType.RENAME, TrackerMessageType.UNREGISTER
    };

    /** What the RELAYs or the RELAYEDs of a run carried. */
    private static final class Carried {
        final Set<FrameType> frames = EnumSet.noneOf(FrameType.class);
        final IntSummaryStatistics lengths = new IntSummaryStatistics();
        int opaque;

        void add(Octets payload) {
            lengths.accept(payload.length());
            try {
                frames.add(PeerFrameCodec.decode(payload.toByteArray()).type());
            } catch (ProtocolException notAFrame) {
                opaque++;
            }
        }
    }

    @Test
    void shouldDecodeEveryEncodedMessageToAnEqualMessageAndReEncodeTheSameBytes() throws ProtocolException {
        RandomTrackerMessages messages = new RandomTrackerMessages(SEED);
        Map<TrackerMessageType, Integer> seen = new EnumMap<>(TrackerMessageType.class);
        int largest = 0;
        Carried relayed = new Carried();
        Carried relayedBack = new Carried();
        int largestRelay = 0;
        int largestInSession = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            TrackerMessage message = messages.next();
            byte[] encoded = TrackerCodec.encode(message);
            String context = "iteration " + i + ": " + message;

            assertThat(encoded.length).as(context).isBetween(Wire.HEADER_SIZE, Wire.MAX_DATAGRAM_SIZE);
            TrackerMessage decoded = TrackerCodec.decode(encoded);
            assertThat(decoded).as(context).isEqualTo(message);
            assertThat(TrackerCodec.encode(decoded)).as(context).isEqualTo(encoded);

            seen.merge(message.type(), 1, Integer::sum);
            largest = Math.max(largest, encoded.length);
            if (SessionCipher.PEER_SENDS.contains(message.type())
                    || SessionCipher.TRACKER_SENDS.contains(message.type())) {
                // What travels inside a session fits the SEALED around it.
                assertThat(encoded.length).as(context).isLessThanOrEqualTo(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
                largestInSession = Math.max(largestInSession, encoded.length);
            }
            if (message instanceof Relay relay) {
                assertCarriesUnchanged(encoded, TrackerWire.RELAY_FIXED_SIZE, relay.payload(), context);
                relayed.add(relay.payload());
                largestRelay = Math.max(largestRelay, encoded.length);
            }
            if (message instanceof Relayed relayedMessage) {
                assertCarriesUnchanged(encoded, TrackerWire.RELAYED_FIXED_SIZE, relayedMessage.payload(), context);
                relayedBack.add(relayedMessage.payload());
            }
        }
        assertThat(seen).as("every type generated many times").hasSize(TrackerMessageType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 30));
        assertThat(largest).as("some SEALED fills a datagram").isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        assertThat(largestInSession).as("some list page or RELAY fills a SEALED")
                .isEqualTo(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
        for (Carried carried : new Carried[] {relayed, relayedBack}) {
            assertThat(carried.frames).as("peer frame types carried").containsExactlyInAnyOrder(FrameType.values());
            assertThat(carried.opaque).as("payloads that are no peer frame").isPositive();
            assertThat(carried.lengths.getMin()).as("shortest payload").isEqualTo(TrackerWire.MIN_RELAY_PAYLOAD);
            assertThat(carried.lengths.getMax()).as("longest payload").isEqualTo(Wire.MAX_PEER_DATAGRAM_SIZE);
        }
        assertThat(largestRelay).as("some RELAY of a full payload fills a SEALED")
                .isEqualTo(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
    }

    /**
     * A RELAY or RELAYED is its own fields followed by exactly the bytes of its payload; so RELAYED is always
     * {@code RELAY_FIXED_SIZE - RELAYED_FIXED_SIZE} = 8 bytes shorter than the RELAY it passes on.
     */
    private static void assertCarriesUnchanged(byte[] encoded, int fixedSize, Octets payload, String context) {
        byte[] alone = payload.toByteArray();
        assertThat(encoded).as(context).hasSize(fixedSize + alone.length);
        assertThat(Arrays.copyOfRange(encoded, fixedSize, encoded.length)).as(context).isEqualTo(alone);
    }

    @Test
    void shouldSignExactlyTheBytesBeforeTheSignatureForEverySignedType() {
        RandomTrackerMessages messages = new RandomTrackerMessages(SEED + 1);
        for (TrackerMessageType type : TrackerMessageType.values()) {
            assertThat(messages.next(type) instanceof TrackerMessage.Signed).as(type.name())
                    .isEqualTo(Arrays.asList(SIGNED_TYPES).contains(type));
        }
        for (TrackerMessageType type : SIGNED_TYPES) {
            for (int i = 0; i < 300; i++) {
                TrackerMessage.Signed signed = (TrackerMessage.Signed) messages.next(type);
                byte[] encoded = TrackerCodec.encode(signed);
                byte[] covered = TrackerCodec.signedBytes(signed);
                assertThat(covered).hasSize(encoded.length - Wire.SIGNATURE_SIZE);
                assertThat(encoded).startsWith(covered).endsWith(signed.signature().toByteArray());
                assertThat(signed.signedBytes()).isEqualTo(covered);
            }
        }
    }

    @Test
    void shouldProduceTheSameMessagesFromTheSameSeed() {
        RandomTrackerMessages first = new RandomTrackerMessages(SEED);
        RandomTrackerMessages second = new RandomTrackerMessages(SEED);
        for (int i = 0; i < 100; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }
}
