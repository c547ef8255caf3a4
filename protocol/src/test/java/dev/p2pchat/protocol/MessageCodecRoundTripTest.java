package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Properties over seeded random valid messages of every type. */
@Timeout(60)
class MessageCodecRoundTripTest {
    private static final long SEED = 0x5032_0001L;
    private static final int ITERATIONS = 10_000;

    @Test
    void shouldDecodeEveryEncodedMessageToAnEqualMessageAndReEncodeTheSameBytes() throws ProtocolException {
        RandomMessages messages = new RandomMessages(SEED);
        Map<MessageType, Integer> seen = new EnumMap<>(MessageType.class);
        int largest = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Message message = messages.next();
            byte[] encoded = MessageCodec.encode(message);
            String context = "iteration " + i + ": " + message;

            assertThat(encoded.length).as(context).isBetween(Wire.HEADER_SIZE, Wire.MAX_DATAGRAM_SIZE);
            Message decoded = MessageCodec.decode(encoded);
            assertThat(decoded).as(context).isEqualTo(message);
            assertThat(MessageCodec.encode(decoded)).as(context).isEqualTo(encoded);

            seen.merge(message.type(), 1, Integer::sum);
            largest = Math.max(largest, encoded.length);
        }
        assertThat(seen).as("every type generated many times").hasSize(MessageType.values().length)
                .allSatisfy((type, count) -> assertThat(count).as(type.name()).isGreaterThan(ITERATIONS / 30));
        assertThat(largest).as("some list page fills a datagram").isEqualTo(Wire.MAX_DATAGRAM_SIZE);
    }

    @Test
    void shouldSignExactlyTheEncodingWithoutTheSignatureForEverySignedType() {
        RandomMessages messages = new RandomMessages(SEED + 1);
        for (MessageType type : new MessageType[] {MessageType.REGISTER, MessageType.RENAME, MessageType.UNREGISTER}) {
            for (int i = 0; i < 300; i++) {
                Message.Signed signed = (Message.Signed) messages.next(type);
                byte[] encoded = MessageCodec.encode(signed);
                byte[] covered = MessageCodec.signedBytes(signed);
                assertThat(covered).hasSize(encoded.length - Wire.SIGNATURE_SIZE);
                assertThat(encoded).startsWith(covered).endsWith(signed.signature().toByteArray());
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
