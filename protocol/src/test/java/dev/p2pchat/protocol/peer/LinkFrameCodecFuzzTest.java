package dev.p2pchat.protocol.peer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.p2pchat.protocol.CodecUnderTest;
import dev.p2pchat.protocol.ProtocolException;

/**
 * Coverage-guided fuzzing of {@link LinkFrameCodec#decode} with Jazzer: what a peer holding the keys can seal into a
 * TRANSPORT frame, which is any bytes at all.
 *
 * <p>Without {@code JAZZER_FUZZ} (the normal build) this runs as a regression test over the committed inputs in
 * {@code src/test/resources/dev/p2pchat/protocol/peer/LinkFrameCodecFuzzTestInputs/<method name>/}, plus the empty
 * input. To fuzz, run {@code JAZZER_FUZZ=1 mvn -pl protocol test -Dtest=LinkFrameCodecFuzzTest}; see
 * {@code PeerFrameCodecFuzzTest}.
 */
class LinkFrameCodecFuzzTest {
    /** {@code TOO_LONG} only for more than one TRANSPORT seals. */
    private static final CodecUnderTest<LinkFrame> CODEC = new CodecUnderTest<>(
            frame -> LinkFrameCodec.decode(frame, 0, frame.length), LinkFrameCodec::encode,
            PeerWire.MAX_LINK_FRAME_SIZE);

    /**
     * Any byte string either decodes, and then re-encodes to exactly the same bytes, or is rejected with
     * {@link ProtocolException}: as {@code TOO_LONG} exactly when it is longer than the
     * {@value PeerWire#MAX_LINK_FRAME_SIZE} bytes a TRANSPORT seals. Anything else escaping the decoder fails the test.
     */
    @FuzzTest(maxDuration = "60s")
    void shouldDecodeCanonicallyOrRejectWithProtocolException(byte[] frame) {
        CODEC.checkCanonicalOrRejected(frame);
    }
}
