package dev.p2pchat.protocol.tracker;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.ProtocolException;

/**
 * Coverage-guided fuzzing of {@link TrackerCodec#decode} with Jazzer.
 *
 * <p>Without {@code JAZZER_FUZZ} (the normal build) this runs as a regression test over the committed inputs in
 * {@code src/test/resources/dev/p2pchat/protocol/tracker/TrackerCodecFuzzTestInputs/<method name>/}, plus the empty
 * input. To fuzz, run {@code JAZZER_FUZZ=1 mvn -pl protocol test -Dtest=TrackerCodecFuzzTest}; the generated corpus
 * goes to {@code protocol/.cifuzz-corpus/} and a crashing input into the inputs directory above, where it stays as a
 * regression test once committed.
 */
class TrackerCodecFuzzTest {
    private static final CodecUnderTest<TrackerMessage> CODEC =
            new CodecUnderTest<>(TrackerCodec::decode, TrackerCodec::encode);

    /**
     * Any byte string either decodes, and then re-encodes to exactly the same bytes (the codec is canonical),
     * or is rejected with {@link ProtocolException}. Anything else escaping the decoder fails the test.
     */
    @FuzzTest(maxDuration = "60s")
    void shouldDecodeCanonicallyOrRejectWithProtocolException(byte[] datagram) {
        CODEC.checkCanonicalOrRejected(datagram);
    }
}
