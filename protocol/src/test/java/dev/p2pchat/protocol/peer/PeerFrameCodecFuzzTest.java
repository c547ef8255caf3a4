package dev.p2pchat.protocol.peer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;

/**
 * Coverage-guided fuzzing of {@link PeerFrameCodec#decode} with Jazzer.
 *
 * <p>Without {@code JAZZER_FUZZ} (the normal build) this runs as a regression test over the committed inputs in
 * {@code src/test/resources/dev/p2pchat/protocol/peer/PeerFrameCodecFuzzTestInputs/<method name>/}, plus the empty
 * input. To fuzz, run {@code JAZZER_FUZZ=1 mvn -pl protocol test -Dtest=PeerFrameCodecFuzzTest}; the generated corpus
 * goes to {@code protocol/.cifuzz-corpus/} and a crashing input into the inputs directory above, where it stays as a
 * regression test once committed.
 */
class PeerFrameCodecFuzzTest {
    /** A TRANSPORT longer than a peer datagram is {@code TOO_LONG} before a datagram is. */
    private static final CodecUnderTest<PeerFrame> CODEC =
            new CodecUnderTest<>(PeerFrameCodec::decode, PeerFrameCodec::encode, Wire.MAX_PEER_DATAGRAM_SIZE);

    /**
     * Any byte string either decodes, and then re-encodes to exactly the same bytes (the codec is canonical),
     * or is rejected with {@link ProtocolException}. Anything else escaping the decoder fails the test.
     */
    @FuzzTest(maxDuration = "60s")
    void shouldDecodeCanonicallyOrRejectWithProtocolException(byte[] datagram) {
        CODEC.checkCanonicalOrRejected(datagram);
    }
}
