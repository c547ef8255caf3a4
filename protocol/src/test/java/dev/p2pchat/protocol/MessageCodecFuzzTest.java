package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Coverage-guided fuzzing of {@link MessageCodec#decode} with Jazzer.
 *
 * <p>Without {@code JAZZER_FUZZ} (the normal build) this runs as a regression test over the committed inputs in
 * {@code src/test/resources/dev/p2pchat/protocol/MessageCodecFuzzTestInputs/<method name>/}, plus the empty input.
 * To fuzz, run {@code JAZZER_FUZZ=1 mvn -pl protocol test -Dtest=MessageCodecFuzzTest}; the generated corpus goes
 * to {@code protocol/.cifuzz-corpus/} and a crashing input into the inputs directory above, where it stays as a
 * regression test once committed.
 */
class MessageCodecFuzzTest {

    /**
     * Any byte string either decodes, and then re-encodes to exactly the same bytes (the codec is canonical),
     * or is rejected with {@link ProtocolException}. Anything else escaping the decoder fails the test.
     */
    @FuzzTest(maxDuration = "60s")
    void shouldDecodeCanonicallyOrRejectWithProtocolException(byte[] datagram) {
        // Plain checks rather than assertion chains: this runs millions of times per minute when fuzzing.
        Message message;
        try {
            message = MessageCodec.decode(datagram);
        } catch (ProtocolException e) {
            boolean tooLong = datagram.length > Wire.MAX_DATAGRAM_SIZE;
            if (tooLong != (e.reason() == Reason.TOO_LONG)) {
                fail("%d bytes rejected as %s", datagram.length, e.reason());
            }
            return;
        }
        byte[] encoded = MessageCodec.encode(message);
        if (!Arrays.equals(encoded, datagram)) {
            fail("%s decoded from %s re-encodes as %s",
                    message, HexFormat.of().formatHex(datagram), HexFormat.of().formatHex(encoded));
        }
    }
}
