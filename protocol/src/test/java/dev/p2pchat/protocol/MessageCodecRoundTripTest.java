package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Message.Data;
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
        for (int i = 0; i < ITERATIONS; i++) {
            Message message = messages.next();
            byte[] encoded = MessageCodec.encode(message);
            String context = "iteration " + i + ": " + message;

            assertThat(encoded.length).as(context).isBetween(Wire.HEADER_SIZE, Wire.MAX_DATAGRAM_SIZE);
            if (Wire.hasChecksum(message.type().code())) {
                assertThat(GoldenVectors.rechecksummed(encoded)).as("%s ends with its checksum", context)
                        .isEqualTo(encoded);
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
        }
        assertThat(seen).as("every type generated many times").hasSize(MessageType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 30));
        assertThat(largest).as("some list page or DATA fills a datagram").isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        assertThat(kinds).as("every content kind").containsExactlyInAnyOrder(ContentKind.values());
        assertThat(emptyPayloads).as("empty DATA payloads").isPositive();
        assertThat(fullPayloads).as("DATA payloads of %d bytes", Wire.MAX_FRAGMENT_PAYLOAD).isPositive();
        assertThat(lastOfMostFragments).as("fragment 56 of 57").isPositive();
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
