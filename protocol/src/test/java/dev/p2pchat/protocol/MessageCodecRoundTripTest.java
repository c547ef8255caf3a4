package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid messages of every type. */
@Timeout(60)
class MessageCodecRoundTripTest {
    private static final long SEED = 0x5032_0001L;
    private static final int ITERATIONS = 10_000;
    private static final MessageType[] PEER_TYPES = {
        MessageType.HELLO, MessageType.HELLO_ACK, MessageType.PING, MessageType.PONG, MessageType.DATA, MessageType.ACK,
        MessageType.GOODBYE
    };
    private static final MessageType[] SIGNED_TYPES = {
        MessageType.REGISTER, MessageType.RENAME, MessageType.UNREGISTER, MessageType.HELLO, MessageType.HELLO_ACK
    };

    @Test
    void shouldDecodeEveryEncodedMessageToAnEqualMessageAndReEncodeTheSameBytes() throws ProtocolException {
        RandomMessages messages = new RandomMessages(SEED);
        Map<MessageType, Integer> seen = new EnumMap<>(MessageType.class);
        int largest = 0;
        Set<ContentKind> kinds = EnumSet.noneOf(ContentKind.class);
        int emptyPayloads = 0;
        int fullPayloads = 0;
        int lastOfMostFragments = 0;
        Set<MessageType> relayed = EnumSet.noneOf(MessageType.class);
        Set<MessageType> relayedBack = EnumSet.noneOf(MessageType.class);
        int largestRelay = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Message message = messages.next();
            byte[] encoded = MessageCodec.encode(message);
            String context = "iteration " + i + ": " + message;

            assertThat(encoded.length).as(context).isBetween(Wire.HEADER_SIZE, Wire.MAX_DATAGRAM_SIZE);
            if (Wire.hasChecksum(message.type().code())) {
                assertThat(GoldenVectors.rechecksummed(encoded)).as("%s ends with its checksum", context)
                        .isEqualTo(encoded);
                assertThat(encoded.length).as("%s fits a RELAY", context)
                        .isLessThanOrEqualTo(Wire.MAX_PEER_DATAGRAM_SIZE);
                assertThat(MessageCodec.encodedSize((Message.PeerDatagram) message)).as("%s size", context)
                        .isEqualTo(encoded.length);
            }
            Message decoded = MessageCodec.decode(encoded);
            assertThat(decoded).as(context).isEqualTo(message);
            assertThat(MessageCodec.encode(decoded)).as(context).isEqualTo(encoded);

            seen.merge(message.type(), 1, Integer::sum);
            largest = Math.max(largest, encoded.length);
            if (message instanceof Data data) {
                kinds.add(data.kind());
                emptyPayloads += data.payload().length() == 0 ? 1 : 0;
                fullPayloads += data.payload().length() == Wire.MAX_FRAGMENT_PAYLOAD ? 1 : 0;
                lastOfMostFragments += data.fragment() == Wire.MAX_FRAGMENTS - 1 ? 1 : 0;
            }
            if (message instanceof Relay relay) {
                assertCarriesUnchanged(encoded, Wire.RELAY_FIXED_SIZE, relay.datagram(), context);
                relayed.add(relay.datagram().type());
                largestRelay = Math.max(largestRelay, encoded.length);
            }
            if (message instanceof Relayed relayedMessage) {
                assertCarriesUnchanged(encoded, Wire.RELAYED_FIXED_SIZE, relayedMessage.datagram(), context);
                relayedBack.add(relayedMessage.datagram().type());
            }
        }
        assertThat(seen).as("every type generated many times").hasSize(MessageType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 30));
        assertThat(largest).as("some list page or RELAY fills a datagram").isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        assertThat(kinds).as("every content kind").containsExactlyInAnyOrder(ContentKind.values());
        assertThat(emptyPayloads).as("empty DATA payloads").isPositive();
        assertThat(fullPayloads).as("DATA payloads of %d bytes", Wire.MAX_FRAGMENT_PAYLOAD).isPositive();
        assertThat(lastOfMostFragments).as("fragment %d of %d", Wire.MAX_FRAGMENTS - 1, Wire.MAX_FRAGMENTS)
                .isPositive();
        assertThat(relayed).as("peer-to-peer types carried by a RELAY").containsExactlyInAnyOrder(PEER_TYPES);
        assertThat(relayedBack).as("peer-to-peer types carried by a RELAYED").containsExactlyInAnyOrder(PEER_TYPES);
        assertThat(largestRelay).as("some RELAY of a full DATA fragment fills a datagram")
                .isEqualTo(Wire.MAX_DATAGRAM_SIZE);
    }

    /**
     * A RELAY or RELAYED is its own fields followed by exactly the bytes the carried datagram has when sent alone,
     * its checksum included; so RELAYED is always {@code RELAY_FIXED_SIZE - RELAYED_FIXED_SIZE} = 8 bytes shorter
     * than the RELAY it passes on.
     */
    private static void assertCarriesUnchanged(byte[] encoded, int fixedSize, Message.PeerDatagram datagram,
            String context) {
        byte[] alone = MessageCodec.encode(datagram);
        assertThat(encoded).as(context).hasSize(fixedSize + alone.length);
        assertThat(Arrays.copyOfRange(encoded, fixedSize, encoded.length)).as(context).isEqualTo(alone);
    }

    @Test
    void shouldSignExactlyTheBytesBeforeTheSignatureForEverySignedType() {
        RandomMessages messages = new RandomMessages(SEED + 1);
        for (MessageType type : MessageType.values()) {
            assertThat(messages.next(type) instanceof Message.Signed).as(type.name())
                    .isEqualTo(Arrays.asList(SIGNED_TYPES).contains(type));
        }
        for (MessageType type : SIGNED_TYPES) {
            for (int i = 0; i < 300; i++) {
                Message.Signed signed = (Message.Signed) messages.next(type);
                byte[] encoded = MessageCodec.encode(signed);
                byte[] covered = MessageCodec.signedBytes(signed);
                // Not the checksum trailer of HELLO and HELLO_ACK: it is computed after the signature, over it.
                int trailer = Wire.hasChecksum(type.code()) ? Wire.CHECKSUM_SIZE : 0;
                assertThat(covered).hasSize(encoded.length - Wire.SIGNATURE_SIZE - trailer);
                assertThat(encoded).startsWith(covered);
                assertThat(Arrays.copyOf(encoded, encoded.length - trailer)).endsWith(signed.signature().toByteArray());
            }
        }
    }

    @Test
    void shouldProduceTheSameMessagesFromTheSameSeed() {
        RandomMessages first = new RandomMessages(SEED);
        RandomMessages second = new RandomMessages(SEED);
        for (int i = 0; i < 100; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }
}
